import { describe, expect, it } from 'vitest'
import { createMemorySignatureUseStore } from './signature-use-store.js'

describe('the in-memory replay cache of signed requests', () => {
  const now = Date.UTC(2026, 10, 22, 12)

  it('behavior: a claim holds until its expiry on the caller clock, then a new one wins', async () => {
    const store = createMemorySignatureUseStore()
    expect(await store.claim('a', now + 30_001, now)).toBe(true)
    expect(await store.claim('a', now + 60_000, now + 30_000)).toBe(false)
    expect(await store.claim('a', now + 60_000, now + 30_001)).toBe(true)
  })

  it('behavior: expired claims are swept, so memory follows the last window only', async () => {
    const store = createMemorySignatureUseStore()
    for (let i = 0; i < 100; i++) await store.claim(`k${i}`, now + 1_000, now)
    expect(store.size()).toBe(100)
    await store.claim('late', now + 20_000, now + 10_000)
    expect(store.size()).toBe(1)
    expect(await store.deleteExpired(now + 20_000)).toBe(1)
    expect(store.size()).toBe(0)
  })
})
