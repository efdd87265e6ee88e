import { Redis, type RedisOptions } from 'ioredis'
import type { ChallengeStore, RateLimitStore, SignatureUseStore } from '../../core/ports.js'
import { createMemoryRateLimitStore } from '../memory/rate-limit-store.js'
import { createRedisChallengeStore } from './challenge-store.js'
import { createFailoverRateLimitStore, createRedisRateLimitStore, type RedisLog } from './rate-limit-store.js'
import { failClosed, redactRedisUrl, shortRedisCause } from './redis-errors.js'
import { createRedisRequestSignatureUseStore } from './request-signature-use-store.js'
import { createRedisSignatureUseStore } from './signature-use-store.js'

export type { RedisLog } from './rate-limit-store.js'

export interface OpenRedisStoresOptions {
  /** Prefix of every key (config `redisKeyPrefix`, e.g. `sigil:`). */
  keyPrefix: string
  log: RedisLog
}

export interface RedisStores {
  /** Nonces; fails closed (AuthError SERVICE_UNAVAILABLE) while Redis is unavailable. */
  challenges: ChallengeStore
  /** Counters shared by every replica; falls back to this process's memory while Redis is unavailable. */
  rateLimits: RateLimitStore & { readonly failedOver: boolean }
  /** Paradex strict-replay claims; fails closed like `challenges`. */
  signatureUses: SignatureUseStore
  /** The replay cache of RFC 9421 signed requests (`SET NX PX`); fails closed like `challenges`. */
  requestSignatureUses: SignatureUseStore
  /** The one connection behind the stores (`duplicate()` it for pub/sub). */
  client: Redis
  /** One PING (readiness); SERVICE_UNAVAILABLE while Redis is unavailable. */
  ping(): Promise<void>
  /** Closes the connection (QUIT, or a plain disconnect when Redis is unreachable). */
  close(): Promise<void>
}

/** Reconnect delays: 100 ms, 200 ms, 400 ms ... capped at 2 s, forever (never gives up). */
export const redisRetryDelay = (attempt: number) => Math.min(100 * 2 ** Math.min(attempt - 1, 10), 2_000)

/**
 * Client options for a request path that must not wait on a dead Redis: no offline queue (a command
 * issued while disconnected fails at once), a 1 s command timeout, no retried or resent commands
 * (a nonce consume or a counter hit must not run twice), a 2 s connect timeout, and reconnection
 * forever with a capped backoff, so the same store objects work again as soon as Redis is back.
 */
export const REDIS_CLIENT_OPTIONS = {
  lazyConnect: true,
  connectTimeout: 2_000,
  commandTimeout: 1_000,
  maxRetriesPerRequest: 0,
  enableOfflineQueue: false,
  autoResendUnfulfilledCommands: false,
  retryStrategy: redisRetryDelay,
  maintNotifications: 'disabled',
  connectionName: 'sigil',
} satisfies RedisOptions

/**
 * Connects to Redis and returns the ephemeral stores over it: nonces, rate-limit counters (with the
 * in-memory failover) and strict-replay claims, every key under `keyPrefix`. Rejects, with the URL
 * redacted, when Redis cannot be reached at start. Later outages are logged (once each, as a
 * warning; the recovery as info), and the client reconnects by itself.
 */
export async function openRedisStores(
  redisUrl: string,
  options: OpenRedisStoresOptions,
): Promise<RedisStores> {
  const { keyPrefix, log } = options
  const where = redactRedisUrl(redisUrl)
  const client = new Redis(redisUrl, REDIS_CLIENT_OPTIONS)

  // Connection state for the log: one warning when the connection is lost, one info when it is back.
  let lastError: unknown
  let connected = false
  let lost = false
  client.on('error', (error: unknown) => {
    lastError = error
    if (!connected || lost) return
    lost = true
    log.warn({ redis: where, cause: shortRedisCause(error) }, 'redis connection lost; reconnecting')
  })
  client.on('close', () => {
    if (!connected || lost) return
    lost = true
    log.warn({ redis: where, cause: 'connection closed' }, 'redis connection lost; reconnecting')
  })
  client.on('ready', () => {
    if (lost) log.info({ redis: where }, 'redis connection restored')
    connected = true
    lost = false
  })

  try {
    await client.connect()
  } catch (error) {
    client.disconnect()
    const cause = shortRedisCause(lastError ?? error)
    const detail = lastError instanceof Error ? ` (${lastError.message})` : ''
    throw new Error(`redis: cannot connect to ${where}: ${cause}${detail}`, { cause: lastError ?? error })
  }

  const challenges = createRedisChallengeStore(client, { keyPrefix })
  const signatureUses = createRedisSignatureUseStore(client, { keyPrefix })
  const requestSignatureUses = createRedisRequestSignatureUseStore(client, { keyPrefix })
  const rateLimits = createFailoverRateLimitStore(
    createRedisRateLimitStore(client, { keyPrefix }),
    createMemoryRateLimitStore(),
    { log },
  )

  return {
    challenges,
    rateLimits,
    signatureUses,
    requestSignatureUses,
    client,
    async ping() {
      await failClosed(() => client.ping())
    },
    async close() {
      connected = false
      if (client.status === 'ready') {
        try {
          await client.quit()
          return
        } catch {
          // Fall through: the connection went away while quitting.
        }
      }
      client.disconnect()
    },
  }
}
