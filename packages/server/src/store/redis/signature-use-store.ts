import type { Redis } from 'ioredis'
import type { SignatureUseStore } from '../../core/ports.js'
import { defineScript } from './define-script.js'
import { failClosed } from './redis-errors.js'

/**
 * KEYS[1] the claim key; ARGV expiresAt, now, TTL in ms (expiresAt - now, computed by the caller so
 * that no Lua number is ever formatted back into a command). `SET key expiresAt PXAT expiresAt NX`
 * on the caller's clock: a use whose stored expiresAt is still after `now` holds (0); otherwise
 * the claim takes the key (1). A claim that is already expired wins and stores nothing, as the SQL
 * store's row for it would be taken over by the next claim anyway.
 */
const CLAIM = `
local held = redis.call('GET', KEYS[1])
if held and tonumber(held) > tonumber(ARGV[2]) then return 0 end
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
else
  redis.call('DEL', KEYS[1])
end
return 1
`

export interface RedisSignatureUseStoreOptions {
  /** Prefix of every key (config `redisKeyPrefix`); a claim lives at `${keyPrefix}sig-use:${key}`. */
  keyPrefix: string
}

/**
 * Paradex `strictReplay` claims in Redis: one key per signed message, one Lua script per claim, so
 * of concurrent claims on any number of replicas exactly one wins. Expiry is judged on the caller's
 * clock (the value is `expiresAt`), and the key's TTL is `expiresAt - now` from the claim, so Redis
 * forgets it by itself. Fails closed: Redis unavailable -> AuthError SERVICE_UNAVAILABLE (a token
 * is never issued without its replay check).
 */
export function createRedisSignatureUseStore(
  client: Redis,
  { keyPrefix }: RedisSignatureUseStoreOptions,
): SignatureUseStore {
  const claimScript = defineScript(client, 'sigilSignatureClaim', CLAIM, 1)

  return {
    async claim(key, expiresAt, now) {
      const ttlMs = Math.max(0, Math.ceil(expiresAt - now))
      const won = await failClosed(() =>
        claimScript([`${keyPrefix}sig-use:${key}`], [String(expiresAt), String(now), String(ttlMs)]),
      )
      return won === 1
    },

    /** Nothing to do: every claim carries its TTL, so Redis forgets expired uses by itself. */
    async deleteExpired() {
      return 0
    },
  }
}
