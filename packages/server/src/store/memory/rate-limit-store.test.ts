import { describe, expect, it } from 'vitest'
import { createMemoryRateLimitStore } from './rate-limit-store.js'

describe('createMemoryRateLimitStore', () => {
  it('default: counts in the fixed window and carries the previous one', async () => {
    const store = createMemoryRateLimitStore()
    await store.hit('k', 60_000, 60_000, 1)
    expect(await store.hit('k', 60_000, 61_000, 1)).toEqual({ current: 2, previous: 0, windowStart: 60_000 })
    expect(await store.hit('k', 60_000, 120_500, 1)).toEqual({
      current: 1,
      previous: 2,
      windowStart: 120_000,
    })
  })

  it('attack: hits on a 1 s bucket never sweep away the counts of a 60 s bucket still in use', async () => {
    const store = createMemoryRateLimitStore()
    const minute = 1_000 * 60_000
    for (let i = 0; i < 5; i++) await store.hit('sign-in:ip:a', 60_000, minute + i, 1)
    // One-second buckets hit every second for most of the minute, each one a chance to sweep.
    for (let t = 1_000; t < 55_000; t += 1_000) await store.hit('starknet:global', 1_000, minute + t, 1)
    expect((await store.hit('sign-in:ip:a', 60_000, minute + 56_000, 1)).current).toBe(6)
    // Into the next minute the previous count is still there.
    expect(await store.hit('sign-in:ip:a', 60_000, minute + 61_000, 1)).toMatchObject({
      current: 1,
      previous: 6,
    })
  })

  it('behavior: idle entries are forgotten once two of their windows have passed, busy ones kept', async () => {
    const store = createMemoryRateLimitStore()
    await store.hit('idle', 60_000, 0, 5)
    await store.hit('busy', 60_000, 100_000, 1)
    await store.hit('fast', 1_000, 100_000, 1)
    expect(store.size()).toBe(3)
    // At 130 s `idle` (window 0–60 s) is past two windows; `busy` (60–120 s) is not; `fast` is.
    await store.hit('busy', 60_000, 130_000, 1)
    expect(store.size()).toBe(1)
    expect(await store.hit('busy', 60_000, 130_001, 1)).toMatchObject({ current: 2, previous: 1 })
  })
})
