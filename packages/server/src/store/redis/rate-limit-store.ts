import { performance } from 'node:perf_hooks'
import type { Redis } from 'ioredis'
import type { RateLimitStore, WindowCounts } from '../../core/ports.js'
import { defineScript } from './define-script.js'
import { shortRedisCause } from './redis-errors.js'

/**
 * KEYS[1] the counter (a hash: s = window start, c = its count, p = the previous window's count);
 * ARGV now, windowMs, cost, TTL (2 * windowMs). The memory store's `hit`, step for step:
 *
 * - start = now - now % windowMs;
 * - no counter: count from 0, previous 0;
 * - same window: add to it;
 * - a later window: previous = the stored count if the stored window is the one just before, else 0;
 *   count from 0;
 * - an earlier window (a replica whose clock lags one that already opened the next window): count in
 *   the stored, newer window rather than resetting it, so a few ms of skew between replicas never
 *   throws a budget away (the memory store never sees this: one process, one clock).
 *
 * then adds `cost`, stores, sets the TTL (a counter is read at most two windows after it opened)
 * and returns {current, previous, windowStart} as integers.
 */
const HIT = `
local now = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local start = now - (now % windowMs)
local stored = redis.call('HMGET', KEYS[1], 's', 'c', 'p')
local s = tonumber(stored[1])
local count, previous = 0, 0
if s and s >= start then
  start = s
  count, previous = tonumber(stored[2]), tonumber(stored[3])
elseif s == start - windowMs then
  previous = tonumber(stored[2])
end
count = count + tonumber(ARGV[3])
-- Integers written as such (a Lua number could be formatted as 1.8e+12 by newer servers).
redis.call('HSET', KEYS[1], 's', string.format('%d', start), 'c', string.format('%d', count), 'p', string.format('%d', previous))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {count, previous, start}
`

export interface RedisRateLimitStoreOptions {
  /** Prefix of every key (config `redisKeyPrefix`); a counter lives at `${keyPrefix}rate:${key}`. */
  keyPrefix: string
}

/**
 * Rate-limit counters in Redis: one Lua script per `hit` (one round trip, atomic), so every replica
 * counts in the same budget. Same numbers as the memory store for the same hits (the conformance
 * suite compares them). Costs and times are integers. Errors are thrown as they come: wrap it in
 * `createFailoverRateLimitStore` so that a request is never refused because Redis is down.
 */
export function createRedisRateLimitStore(
  client: Redis,
  { keyPrefix }: RedisRateLimitStoreOptions,
): RateLimitStore {
  const hitScript = defineScript(client, 'sigilRateLimitHit', HIT, 1)
  return {
    async hit(key, windowMs, now, cost) {
      const reply = await hitScript(
        [`${keyPrefix}rate:${key}`],
        [String(now), String(windowMs), String(cost), String(2 * windowMs)],
      )
      if (!Array.isArray(reply) || reply.length !== 3)
        throw new Error('redis: unexpected reply from the rate-limit script')
      const [current, previous, windowStart] = reply.map(Number) as [number, number, number]
      return { current, previous, windowStart }
    },
  }
}

/** The two calls of a pino logger that Sigil's Redis adapters use. */
export interface RedisLog {
  warn(obj: object, msg: string): void
  info(obj: object, msg: string): void
}

export interface FailoverRateLimitStoreOptions {
  log: RedisLog
  /** While failed over, how often one request also tries the primary in the background (ms). */
  probeIntervalMs?: number
  /** A monotonic clock in ms for the probe's interval; default `performance.now` (tests drive it). */
  monotonicNow?: () => number
}

export const RATE_LIMIT_FAILOVER_MESSAGE =
  "rate limiting falls back to this process's memory: Redis unreachable"
export const RATE_LIMIT_RECOVERED_MESSAGE =
  'rate limiting is back on Redis: budgets shared by every replica again'

/**
 * A RateLimitStore that never fails a request: it counts in `primary` (Redis) and, when a call to it
 * fails (down, timed out), decides that request and the following ones with `fallback` (this
 * process's memory), logging a warning once per outage. While failed over, the requests wait for
 * nothing from the primary: at most one every `probeIntervalMs` also sends its hit to the primary in
 * the background; the first that succeeds switches back (logged as info). Limits are then per
 * replica until Redis returns, and counts start afresh on each side of the switch.
 */
export function createFailoverRateLimitStore(
  primary: RateLimitStore,
  fallback: RateLimitStore,
  { log, probeIntervalMs = 1_000, monotonicNow = () => performance.now() }: FailoverRateLimitStoreOptions,
): RateLimitStore & { readonly failedOver: boolean } {
  let failedOver = false
  let probing = false
  let nextProbeAt = 0

  function fail(error: unknown) {
    nextProbeAt = monotonicNow() + probeIntervalMs
    if (failedOver) return
    failedOver = true
    log.warn({ cause: shortRedisCause(error) }, RATE_LIMIT_FAILOVER_MESSAGE)
  }

  function probe(key: string, windowMs: number, now: number, cost: number) {
    probing = true
    nextProbeAt = monotonicNow() + probeIntervalMs
    primary.hit(key, windowMs, now, cost).then(
      () => {
        probing = false
        if (!failedOver) return
        failedOver = false
        log.info({}, RATE_LIMIT_RECOVERED_MESSAGE)
      },
      (error: unknown) => {
        probing = false
        fail(error)
      },
    )
  }

  return {
    get failedOver() {
      return failedOver
    },

    async hit(key, windowMs, now, cost): Promise<WindowCounts> {
      if (!failedOver) {
        try {
          return await primary.hit(key, windowMs, now, cost)
        } catch (error) {
          fail(error)
        }
      } else if (!probing && monotonicNow() >= nextProbeAt) {
        probe(key, windowMs, now, cost)
      }
      return fallback.hit(key, windowMs, now, cost)
    },
  }
}
