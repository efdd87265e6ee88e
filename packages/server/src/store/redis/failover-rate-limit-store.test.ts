import { describe, expect, it } from 'vitest'
import type { RateLimitStore, WindowCounts } from '../../core/ports.js'
import { createMemoryRateLimitStore } from '../memory/rate-limit-store.js'
import {
  createFailoverRateLimitStore,
  RATE_LIMIT_FAILOVER_MESSAGE,
  RATE_LIMIT_RECOVERED_MESSAGE,
} from './rate-limit-store.js'

/** A primary that is up or down at the test's word, counting the calls it gets. */
function switchablePrimary() {
  const counts = createMemoryRateLimitStore()
  const state = { up: true, calls: 0 }
  const store: RateLimitStore = {
    async hit(key, windowMs, now, cost): Promise<WindowCounts> {
      state.calls++
      if (!state.up) throw new Error("Stream isn't writeable and enableOfflineQueue options is false")
      return counts.hit(key, windowMs, now, cost)
    },
  }
  return { store, state }
}

function capturingLog() {
  const entries: { level: string; obj: object; msg: string }[] = []
  return {
    entries,
    log: {
      warn: (obj: object, msg: string) => entries.push({ level: 'warn', obj, msg }),
      info: (obj: object, msg: string) => entries.push({ level: 'info', obj, msg }),
    },
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('createFailoverRateLimitStore', () => {
  it('default: counts in the primary while it answers, logging nothing', async () => {
    const { store: primary, state } = switchablePrimary()
    const { entries, log } = capturingLog()
    const store = createFailoverRateLimitStore(primary, createMemoryRateLimitStore(), { log })
    expect(await store.hit('k', 60_000, 0, 1)).toMatchObject({ current: 1 })
    expect(await store.hit('k', 60_000, 1, 1)).toMatchObject({ current: 2 })
    expect(state.calls).toBe(2)
    expect(store.failedOver).toBe(false)
    expect(entries).toEqual([])
  })

  it('fault: a failing primary: every request still decided (from memory), the outage logged once', async () => {
    const { store: primary, state } = switchablePrimary()
    const { entries, log } = capturingLog()
    const store = createFailoverRateLimitStore(primary, createMemoryRateLimitStore(), {
      log,
      probeIntervalMs: 60_000,
    })
    state.up = false
    const counts = []
    for (let i = 0; i < 10; i++) counts.push((await store.hit('k', 60_000, i, 1)).current)
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(store.failedOver).toBe(true)
    // Failed over, requests no longer wait on the primary: only the first one tried it.
    expect(state.calls).toBe(1)
    expect(entries).toEqual([
      { level: 'warn', obj: { cause: 'connection down' }, msg: RATE_LIMIT_FAILOVER_MESSAGE },
    ])
  })

  it('recovery: a background probe at most once per interval; the first that succeeds switches back (logged)', async () => {
    const { store: primary, state } = switchablePrimary()
    const { entries, log } = capturingLog()
    // The probe's interval runs on this clock, moved by the test (not the wall clock).
    let elapsedMs = 0
    const store = createFailoverRateLimitStore(primary, createMemoryRateLimitStore(), {
      log,
      probeIntervalMs: 20,
      monotonicNow: () => elapsedMs,
    })
    state.up = false
    await store.hit('k', 60_000, 0, 1)
    await store.hit('k', 60_000, 1, 1)
    expect(state.calls).toBe(1)
    elapsedMs += 19
    // Within the interval: no probe yet.
    await store.hit('k', 60_000, 2, 1)
    await tick()
    expect(state.calls).toBe(1)
    elapsedMs += 1
    // Still down: the probe fails, nothing new is logged, the request is decided from memory.
    expect(await store.hit('k', 60_000, 3, 1)).toMatchObject({ current: 4 })
    await tick()
    expect(state.calls).toBe(2)
    expect(entries).toHaveLength(1)

    state.up = true
    elapsedMs += 20
    expect(await store.hit('k', 60_000, 4, 1)).toMatchObject({ current: 5 })
    await tick()
    expect(store.failedOver).toBe(false)
    expect(entries.at(-1)).toEqual({ level: 'info', obj: {}, msg: RATE_LIMIT_RECOVERED_MESSAGE })
    // Back on the primary: it counted the probe's hit and now this one.
    expect(await store.hit('k', 60_000, 5, 1)).toMatchObject({ current: 2 })

    // A second outage is logged again, once.
    state.up = false
    await store.hit('k', 60_000, 6, 1)
    await store.hit('k', 60_000, 7, 1)
    expect(entries.map((e) => e.msg)).toEqual([
      RATE_LIMIT_FAILOVER_MESSAGE,
      RATE_LIMIT_RECOVERED_MESSAGE,
      RATE_LIMIT_FAILOVER_MESSAGE,
    ])
  })

  it('race: concurrent failures on a healthy store log the outage once', async () => {
    const { store: primary, state } = switchablePrimary()
    const { entries, log } = capturingLog()
    const store = createFailoverRateLimitStore(primary, createMemoryRateLimitStore(), { log })
    state.up = false
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.hit('k', 60_000, i, 1)))
    expect(results.map((r) => r.current).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    )
    expect(entries).toHaveLength(1)
  })
})
