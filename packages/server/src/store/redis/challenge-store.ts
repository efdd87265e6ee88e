import type { Redis } from 'ioredis'
import type { Address, Challenge, ChallengeStore, ConsumeChallengeOutcome } from '../../core/ports.js'
import { defineScript } from './define-script.js'
import { failClosed } from './redis-errors.js'

/**
 * How long a nonce's key outlives its expiry. The SQL store keeps a row until the gateway's `tick`
 * deletes it with `deleteExpired(now - nonceTtl)`, i.e. until about one more nonce lifetime after
 * `expiresAt`; until then a spent nonce answers `used`, not `unknown`. Redis keeps the key for
 * the same span (plus this slack) and then forgets it by TTL.
 */
const RETAIN_SLACK_MS = 5_000

/**
 * KEYS[1] the nonce key; ARGV purpose, address ('' when unbound), createdAt, expiresAt, TTL (ms).
 * Creates the hash only if the key is absent: 1 when inserted, 0 for a duplicate (nothing changed).
 */
const INSERT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'purpose', ARGV[1], 'address', ARGV[2], 'createdAt', ARGV[3], 'expiresAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`

/**
 * KEYS[1] the nonce key; ARGV purpose, address (lower case), now. The SQL store's conditional
 * UPDATE and its slow-path explanation in one atomic step, with the same precedence:
 * missing or another purpose -> unknown; spent -> used; expiresAt <= now -> expired; bound to
 * another address -> address_mismatch (left unused); else marks it used (usedAt = now, the key's
 * TTL unchanged) and returns {'consumed', purpose, address, createdAt, expiresAt}.
 */
const CONSUME = `
local f = redis.call('HMGET', KEYS[1], 'purpose', 'address', 'createdAt', 'expiresAt', 'usedAt')
if not f[1] or f[1] ~= ARGV[1] then return {'unknown'} end
if f[5] then return {'used'} end
if tonumber(f[4]) <= tonumber(ARGV[3]) then return {'expired'} end
if f[2] ~= '' and f[2] ~= ARGV[2] then return {'address_mismatch'} end
redis.call('HSET', KEYS[1], 'usedAt', ARGV[3])
return {'consumed', f[1], f[2], f[3], f[4]}
`

export interface RedisChallengeStoreOptions {
  /** Prefix of every key (config `redisKeyPrefix`); a nonce lives at `${keyPrefix}nonce:${nonce}`. */
  keyPrefix: string
}

/**
 * Single-use nonces in Redis, one hash per nonce. `insert` and `consume` are one Lua script each,
 * so of N concurrent consumers (on any number of replicas) exactly one sees `consumed`. Times
 * compared are the caller's (`now`, `expiresAt`), as in the SQL store; the Redis TTL is relative
 * (PX from insertion), so clocks that differ between replicas and Redis never expire a live nonce
 * early. Every call fails closed: Redis unavailable -> AuthError SERVICE_UNAVAILABLE.
 */
export function createRedisChallengeStore(
  client: Redis,
  { keyPrefix }: RedisChallengeStoreOptions,
): ChallengeStore {
  const insertScript = defineScript(client, 'sigilNonceInsert', INSERT, 1)
  const consumeScript = defineScript(client, 'sigilNonceConsume', CONSUME, 1)
  const keyOf = (nonce: string) => `${keyPrefix}nonce:${nonce}`

  return {
    async insert(challenge) {
      const lifetime = Math.max(0, challenge.expiresAt - challenge.createdAt)
      const ttlMs = 2 * lifetime + RETAIN_SLACK_MS
      const inserted = await failClosed(() =>
        insertScript(
          [keyOf(challenge.nonce)],
          [
            challenge.purpose,
            challenge.address ?? '',
            String(challenge.createdAt),
            String(challenge.expiresAt),
            String(ttlMs),
          ],
        ),
      )
      // A unique-key error, as SQL's: nonces are 128 random bits, so this is a bug, not a client's doing.
      if (inserted !== 1) throw new Error('challenge nonce already exists')
    },

    async consume(nonce, { purpose, address, now }) {
      const reply = await failClosed(() => consumeScript([keyOf(nonce)], [purpose, address, String(now)]))
      return toOutcome(nonce, reply)
    },

    /**
     * Nothing to do: every nonce key carries a TTL (its lifetime, then as long again, as the
     * gateway's housekeeping keeps SQL rows), so Redis forgets them itself. Counting them here
     * would mean a SCAN over the shared keyspace on every tick; 0 says "nothing deleted by this call".
     */
    async deleteExpired() {
      return 0
    },
  }
}

function toOutcome(nonce: string, reply: unknown): ConsumeChallengeOutcome {
  if (!Array.isArray(reply)) throw new Error('redis: unexpected reply from the nonce script')
  const [status, purpose, address, createdAt, expiresAt] = reply.map((v) => String(v))
  switch (status) {
    case 'consumed': {
      const challenge: Challenge = {
        nonce,
        purpose: purpose ?? '',
        createdAt: Number(createdAt),
        expiresAt: Number(expiresAt),
        ...(address ? { address: address as Address } : {}),
      }
      return { status, challenge }
    }
    case 'unknown':
    case 'used':
    case 'expired':
    case 'address_mismatch':
      return { status }
    default:
      throw new Error('redis: unexpected reply from the nonce script')
  }
}
