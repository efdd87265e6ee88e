import type { RateLimitStore } from '../../core/ports.js'

const SWEEP_INTERVAL_MS = 10_000

/**
 * Rate-limit counters in this process's memory: the single-process default (a SQLite write per
 * request would cost more than the request). JavaScript runs one `hit` at a time, so each is
 * atomic. Replicas share counters through the Redis store instead. `size()` (how many clients it
 * remembers) is for tests and metrics.
 */
export function createMemoryRateLimitStore(): RateLimitStore & { size(): number } {
  const windows = new Map<string, { start: number; windowMs: number; count: number; previous: number }>()
  let sweptAt = 0

  return {
    size: () => windows.size,

    async hit(key, windowMs, now, cost) {
      const start = now - (now % windowMs)
      let entry = windows.get(key)
      if (!entry) {
        entry = { start, windowMs, count: 0, previous: 0 }
        windows.set(key, entry)
      } else if (entry.start !== start) {
        entry.previous = entry.start === start - windowMs ? entry.count : 0
        entry.start = start
        entry.count = 0
      }
      entry.count += cost
      // Forget idle clients now and then, so memory follows active clients, not all clients ever.
      // Each entry by its own window: a 1 s bucket must not sweep away 60 s counts still in use
      // (an entry is idle once neither its window nor the next one could read it).
      if (now - sweptAt >= SWEEP_INTERVAL_MS) {
        sweptAt = now
        for (const [k, e] of windows) if (e.start + 2 * e.windowMs <= now) windows.delete(k)
      }
      return { current: entry.count, previous: entry.previous, windowStart: entry.start }
    },
  }
}
