// The shared behaviour (single use, precedence, races) is in test/conformance/ephemeral-stores.test.ts;
// here what only the memory store has: its bound.
import { describe, expect, it } from 'vitest'
import type { Address } from '../../core/ports.js'
import { createMemoryChallengeStore } from './challenge-store.js'

const alice = '0x1111111111111111111111111111111111111111' as Address
const challenge = (nonce: string) => ({ nonce, purpose: 'native', createdAt: 0, expiresAt: 1_000 })
const consume = (store: ReturnType<typeof createMemoryChallengeStore>, nonce: string) =>
  store.consume(nonce, { purpose: 'native', address: alice, now: 1 })

describe('memory challenge store', () => {
  it('boundary: past its bound the oldest nonce is forgotten (unknown), the newer ones still work once', async () => {
    const store = createMemoryChallengeStore(3)
    for (const nonce of ['a', 'b', 'c', 'd']) await store.insert(challenge(nonce))
    expect(store.size()).toBe(3)
    expect(await consume(store, 'a')).toEqual({ status: 'unknown' })
    for (const nonce of ['b', 'c', 'd']) expect((await consume(store, nonce)).status).toBe('consumed')
    for (const nonce of ['b', 'c', 'd']) expect(await consume(store, nonce)).toEqual({ status: 'used' })
  })

  it('negative: a caller changing its challenge object after insert or consume changes nothing stored', async () => {
    const store = createMemoryChallengeStore()
    const inserted = { ...challenge('n'), address: alice }
    await store.insert(inserted)
    inserted.expiresAt = 0
    const outcome = await consume(store, 'n')
    expect(outcome).toMatchObject({ status: 'consumed', challenge: { expiresAt: 1_000 } })
    if (outcome.status === 'consumed') outcome.challenge.purpose = 'other'
    expect(await consume(store, 'n')).toEqual({ status: 'used' })
  })

  it('default: deleteExpired forgets only nonces expired by then, used or not, in any insertion order', async () => {
    const store = createMemoryChallengeStore()
    await store.insert({ ...challenge('late'), expiresAt: 5_000 })
    await store.insert(challenge('early'))
    await store.insert(challenge('spent'))
    await consume(store, 'spent')
    expect(await store.deleteExpired(1_000)).toBe(2)
    expect(await consume(store, 'early')).toEqual({ status: 'unknown' })
    expect((await consume(store, 'late')).status).toBe('consumed')
  })
})
