/**
 * The rate-limit decision: a sliding-window counter, as Cloudflare and Unkey use it, whose numbers
 * feed the `X-RateLimit-*` fields and the IETF fields of draft-ietf-httpapi-ratelimit-headers
 * (`RateLimit-Policy`, `RateLimit`). Pure: the counts come from one atomic `RateLimitStore.hit`,
 * time comes in as `now`, and the same inputs always give the same decision.
 *
 * The estimate of the last `windowMs` is `previous * (1 - elapsed / windowMs) + current`: the previous
 * fixed window's count, weighted by how much of it still overlaps the sliding window, plus the current
 * window's count. The counts already include the request being decided (it is counted first, and a
 * denied request counts too), so a request is allowed when the estimate is at most `limit`.
 *
 * Every comparison is done on integers scaled by `windowMs` (no floating-point drift at the limit).
 */
import type { WindowCounts } from '../ports.js'

export interface DecideRateLimitOptions {
  /** What `RateLimitStore.hit` returned, this request included. */
  counts: WindowCounts
  /** Requests allowed per window (>= 1). */
  limit: number
  windowMs: number
  /** Milliseconds since the epoch, on the clock that produced `counts`. */
  now: number
}

export interface RateLimitDecision {
  allowed: boolean
  limit: number
  /** Requests that would still be allowed at this instant; never negative. */
  remaining: number
  /** Whole seconds until the current fixed window rolls over, rounded up; at least 1. */
  resetSeconds: number
  /**
   * Only when denied: whole seconds (rounded up, at least 1) until one more request would be
   * allowed if the client sends nothing in between. Retrying earlier adds to the count.
   */
  retryAfterSeconds?: number
}

/**
 * Decides one request against a sliding-window estimate.
 *
 * `remaining` is a promise that holds: the estimate only decays while no request arrives, so
 * `remaining` more requests right now are all allowed, and one more is not.
 *
 * @example
 * ```ts
 * const counts = await store.hit('api:ip:203.0.113.7', 60_000, now, 1)
 * const decision = decideRateLimit({ counts, limit: 120, windowMs: 60_000, now })
 * if (!decision.allowed) reply.header('retry-after', decision.retryAfterSeconds)
 * ```
 */
export function decideRateLimit({ counts, limit, windowMs, now }: DecideRateLimitOptions): RateLimitDecision {
  const { current, previous, windowStart } = counts
  // A skewed `now` (outside the counted window) is clamped rather than trusted to extrapolate.
  const elapsed = Math.min(Math.max(now - windowStart, 0), windowMs)
  const untilRollover = windowMs - elapsed
  // The estimate times windowMs, as an integer: previous * (windowMs - elapsed) + current * windowMs.
  const scaled = previous * untilRollover + current * windowMs
  const allowed = scaled <= limit * windowMs
  const remaining = Math.max(0, Math.floor((limit * windowMs - scaled) / windowMs))
  const resetSeconds = Math.max(1, Math.ceil(untilRollover / 1000))
  if (allowed) return { allowed, limit, remaining, resetSeconds }
  const waitMs = msUntilOneMoreFits(current, previous, limit, windowMs, untilRollover)
  return { allowed, limit, remaining, resetSeconds, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) }
}

/**
 * The earliest whole millisecond from now at which the estimate, left to decay, leaves room for one
 * more request (estimate <= limit - 1). Ceiling it to seconds is therefore never too early.
 */
function msUntilOneMoreFits(
  current: number,
  previous: number,
  limit: number,
  windowMs: number,
  untilRollover: number,
): number {
  const room = limit - 1
  if (current <= room && previous > 0) {
    // Still in this window: need previous * (windowMs - e) <= (room - current) * windowMs, where e is
    // the elapsed time of the retry; the largest integer windowMs - e that fits is a floor.
    const fitsUntilRollover = Math.floor(((room - current) * windowMs) / previous)
    return untilRollover - fitsUntilRollover
  }
  // This window's count alone is over: in the next window it becomes `previous` (current 0) and must
  // decay until current * (windowMs - f) <= room * windowMs, f being the elapsed time there.
  const fitsNext = Math.floor((room * windowMs) / current)
  return untilRollover + (windowMs - fitsNext)
}
