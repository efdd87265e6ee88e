/**
 * Rate-limit counters.
 * The contracts every port keeps (concurrency, outages): core/ports.ts.
 */

/** One window of a sliding-window counter, as the rate limiter reads it. */
export interface WindowCounts {
  current: number
  previous: number
  windowStart: number
}

export interface RateLimitStore {
  /**
   * Atomically adds `cost` to the counter of `key` in the fixed window containing `now` and
   * returns that window's and the previous window's counts. One call, one round trip: this is the
   * operation a Redis script replaces.
   */
  hit(key: string, windowMs: number, now: number, cost: number): Promise<WindowCounts>
}
