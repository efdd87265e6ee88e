import type { RateLimitStore } from '../../core/ports.js'

/**
 * Rate-limit counters in this process's memory: the single-process default (a SQLite write per
 * request would cost more than the request). JavaScript runs one `hit` at a time, so each is
 * atomic. Replicas share counters through the Redis store instead.
 */
export function createMemoryRateLimitStore(): RateLimitStore {
  const windows = new Map<string, { start: number; count: number; previous: number }>()
  let sweptAt = 0

  return {
    async hit(key, windowMs, now, cost) {
      const start = now - (now % windowMs)
      let entry = windows.get(key)
      if (!entry) {
        entry = { start, count: 0, previous: 0 }
        windows.set(key, entry)
      } else if (entry.start !== start) {
        entry.previous = entry.start === start - windowMs ? entry.count : 0
        entry.start = start
        entry.count = 0
      }
      entry.count += cost
      // Forget idle clients once a window, so memory follows active clients, not all clients ever.
      if (now - sweptAt >= windowMs) {
        sweptAt = now
        for (const [k, e] of windows) if (e.start < start - windowMs) windows.delete(k)
      }
      return { current: entry.count, previous: entry.previous, windowStart: entry.start }
    },
  }
}
