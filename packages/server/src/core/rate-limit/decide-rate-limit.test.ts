import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { WindowCounts } from '../ports.js'
import { decideRateLimit } from './decide-rate-limit.js'

const W = 60_000
const START = Date.UTC(2026, 10, 22, 12, 0, 0)

const at = (elapsed: number, current: number, previous = 0) => ({
  counts: { current, previous, windowStart: START },
  limit: 10,
  windowMs: W,
  now: START + elapsed,
})

describe('decideRateLimit', () => {
  it('default', () => {
    expect(decideRateLimit(at(0, 1))).toEqual({ allowed: true, limit: 10, remaining: 9, resetSeconds: 60 })
  })

  it('behavior: the request that reaches the limit is allowed, the next one is not', () => {
    expect(decideRateLimit(at(15_000, 10))).toMatchObject({ allowed: true, remaining: 0, resetSeconds: 45 })
    expect(decideRateLimit(at(15_000, 11))).toMatchObject({ allowed: false, remaining: 0, resetSeconds: 45 })
  })

  it('behavior: the previous window weighs by its remaining overlap', () => {
    // 10 * (1 - 30/60) + 4 = 9: allowed with 1 left.
    expect(decideRateLimit(at(30_000, 4, 10))).toMatchObject({ allowed: true, remaining: 1 })
    // 10 * (1 - 30/60) + 6 = 11: denied.
    expect(decideRateLimit(at(30_000, 6, 10))).toMatchObject({ allowed: false, remaining: 0 })
    // 10 * (1 - 45/60) + 7 = 9.5: allowed, and half a request is not a request.
    expect(decideRateLimit(at(45_000, 7, 10))).toMatchObject({ allowed: true, remaining: 0 })
  })

  it('behavior: exactly at the limit with a fractional weight is compared without float error', () => {
    // 3 * (1 - 20000/60000) + 8 = 10 exactly (2 + 8), a sum floating point could land a hair above.
    expect(decideRateLimit(at(20_000, 8, 3))).toMatchObject({ allowed: true, remaining: 0 })
  })

  it('behavior: retry-after while the previous window decays within this one', () => {
    // 10 * (1 - 30/60) + 6 = 11 > 10. Room for one more needs 10 * (60 - e)/60 + 6 <= 9, e >= 42 s.
    expect(decideRateLimit(at(30_000, 6, 10)).retryAfterSeconds).toBe(12)
    // e >= 42 s from 30.5 s is 11.5 s, rounded up.
    expect(decideRateLimit(at(30_500, 6, 10)).retryAfterSeconds).toBe(12)
  })

  it('behavior: retry-after when this window alone is over, waiting into the next one', () => {
    // 12 in this window: at its end they become `previous`; 12 * (60 - f)/60 <= 9 needs f >= 15 s.
    expect(decideRateLimit(at(50_000, 12)).retryAfterSeconds).toBe(10 + 15)
    // A limit of 1 needs this window's count fully decayed: the end of the next window.
    expect(decideRateLimit({ ...at(50_000, 2), limit: 1 }).retryAfterSeconds).toBe(10 + 60)
  })

  it('behavior: reset rounds up and is at least one second', () => {
    expect(decideRateLimit(at(59_999, 1)).resetSeconds).toBe(1)
    expect(decideRateLimit(at(58_001, 1)).resetSeconds).toBe(2)
  })

  it('behavior: a clock outside the counted window is clamped', () => {
    expect(decideRateLimit(at(-5_000, 1)).resetSeconds).toBe(60)
    expect(decideRateLimit(at(W + 5_000, 1, 10)).resetSeconds).toBe(1)
  })
})

/** What the store would return for one more request at `now`, with nothing counted in between. */
function countsLater(counts: WindowCounts, now: number): WindowCounts {
  const start = now - (now % W)
  if (start === counts.windowStart) return { ...counts, current: counts.current + 1 }
  const previous = start === counts.windowStart + W ? counts.current : 0
  return { current: 1, previous, windowStart: start }
}

const scenario = fc
  .record({
    limit: fc.integer({ min: 1, max: 2_000 }),
    previous: fc.integer({ min: 0, max: 5_000 }),
    current: fc.integer({ min: 1, max: 5_000 }),
    elapsed: fc.integer({ min: 0, max: W - 1 }),
  })
  .map(({ limit, previous, current, elapsed }) => ({
    counts: { current, previous, windowStart: START },
    limit,
    windowMs: W,
    now: START + elapsed,
  }))

describe('decideRateLimit properties', () => {
  it('behavior: never allows above the limit; remaining is never negative and is exact', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const d = decideRateLimit(input)
        const { current, previous } = input.counts
        const elapsed = input.now - START
        const scaledEstimate = previous * (W - elapsed) + current * W
        expect(d.allowed).toBe(scaledEstimate <= input.limit * W)
        expect(d.remaining).toBeGreaterThanOrEqual(0)
        expect(Number.isInteger(d.remaining) && Number.isInteger(d.resetSeconds)).toBe(true)
        expect(d.resetSeconds).toBeGreaterThanOrEqual(1)
        // `remaining` more requests at this instant are allowed, one more is not.
        const more = (n: number) => ({ ...input, counts: { ...input.counts, current: current + n } })
        if (d.remaining > 0) expect(decideRateLimit(more(d.remaining)).allowed).toBe(true)
        expect(decideRateLimit(more(d.remaining + 1)).allowed).toBe(false)
      }),
    )
  })

  it('behavior: retry-after is >= 1, suffices, and is the earliest whole second', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const d = decideRateLimit(input)
        if (d.allowed) {
          expect(d.retryAfterSeconds).toBeUndefined()
          return
        }
        const retryAfter = d.retryAfterSeconds!
        expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true)
        const retryAt = (seconds: number) => {
          const now = input.now + seconds * 1000
          return decideRateLimit({ ...input, counts: countsLater(input.counts, now), now })
        }
        expect(retryAt(retryAfter).allowed).toBe(true)
        expect(retryAt(retryAfter - 1).allowed).toBe(false)
      }),
    )
  })
})
