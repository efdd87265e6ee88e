import { randomBytes, randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Address, ParadexSubkey } from '../../src/core/ports.js'
import { race, STORE_BACKENDS } from './backends.js'

/** The Paradex subkey port on every SQL backend: same semantics, limit and duplicates under races. */

const T0 = Date.UTC(2026, 11, 5, 12, 0, 0)
const address = (): Address => `0x${randomBytes(20).toString('hex')}`
const key = () => `0x${randomBytes(31).toString('hex').replace(/^0+/, '')}`
const N = 12

/** How many settled attempts ended in each outcome (a rejection counts as `failed`). */
const tally = (results: PromiseSettledResult<string>[]) => {
  const counts: Record<string, number> = {}
  for (const r of results) {
    const outcome = r.status === 'fulfilled' ? r.value : 'failed'
    counts[outcome] = (counts[outcome] ?? 0) + 1
  }
  return counts
}

describe.each(STORE_BACKENDS)('conformance: paradex subkeys on $name', (backend) => {
  const db = backend.use()
  const store = () => db.stores().paradexSubkeys
  const newAccount = async () =>
    (await db.stores().accounts.findOrCreateByAddress(address(), T0, 'active')).id
  const subkey = (accountId: string, overrides: Partial<ParadexSubkey> = {}) => ({
    id: randomUUID(),
    accountId,
    publicKey: key(),
    name: 'bot',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  })
  const limit = { maxActivePerAccount: 3 }

  it('behavior: insert, find, list, rename and revoke, with numbers for times', async () => {
    const accountId = await newAccount()
    const first = subkey(accountId)
    expect(await store().insert(first, limit)).toBe('inserted')
    expect(await store().findActive(accountId, first.publicKey)).toEqual(first)
    expect(await store().findById(first.id)).toEqual(first)
    expect(await store().findActive(await newAccount(), first.publicKey)).toBeUndefined()

    const renamed = await store().rename(accountId, first.publicKey, 'renamed', T0 + 5)
    expect(renamed).toEqual({ ...first, name: 'renamed', updatedAt: T0 + 5 })
    expect(await store().rename(accountId, key(), 'x', T0 + 5)).toBeUndefined()

    const revoked = await store().revoke(accountId, first.publicKey, T0 + 10)
    expect(revoked).toEqual({ ...renamed, updatedAt: T0 + 10, revokedAt: T0 + 10 })
    expect(await store().revoke(accountId, first.publicKey, T0 + 11)).toBeUndefined()
    expect(await store().findActive(accountId, first.publicKey)).toBeUndefined()
    expect(await store().rename(accountId, first.publicKey, 'late', T0 + 12)).toBeUndefined()
    expect(await store().listOfAccount(accountId, { withRevoked: false })).toEqual([])
    expect(await store().listOfAccount(accountId, { withRevoked: true })).toEqual([revoked])
    expect(await store().listRevokedSince(T0 + 10)).toContainEqual({ id: first.id, revokedAt: T0 + 10 })
    expect(await store().listRevokedSince(T0 + 11)).not.toContainEqual(
      expect.objectContaining({ id: first.id }),
    )
  })

  it('behavior: one live row per key and account; a revoked key may come back as a new subkey', async () => {
    const accountId = await newAccount()
    const first = subkey(accountId)
    expect(await store().insert(first, limit)).toBe('inserted')
    expect(await store().insert({ ...subkey(accountId), publicKey: first.publicKey }, limit)).toBe('exists')
    // Another account may hold the same key: each account's subkeys are its own business.
    expect(await store().insert(subkey(await newAccount(), { publicKey: first.publicKey }), limit)).toBe(
      'inserted',
    )
    await store().revoke(accountId, first.publicKey, T0 + 1)
    const again = subkey(accountId, { publicKey: first.publicKey, createdAt: T0 + 2, updatedAt: T0 + 2 })
    expect(await store().insert(again, limit)).toBe('inserted')
    expect((await store().findActive(accountId, first.publicKey))?.id).toBe(again.id)
    expect((await store().listOfAccount(accountId, { withRevoked: true })).map((s) => s.id)).toEqual([
      first.id,
      again.id,
    ])
  })

  it('behavior: the limit counts live subkeys only, and wins over a duplicate', async () => {
    const accountId = await newAccount()
    const keys = [subkey(accountId), subkey(accountId), subkey(accountId)]
    for (const k of keys) expect(await store().insert(k, limit)).toBe('inserted')
    expect(await store().insert(subkey(accountId), limit)).toBe('limit_reached')
    expect(await store().insert({ ...subkey(accountId), publicKey: keys[0]!.publicKey }, limit)).toBe(
      'limit_reached',
    )
    await store().revoke(accountId, keys[1]!.publicKey, T0 + 1)
    expect(await store().insert(subkey(accountId), limit)).toBe('inserted')
  })

  it('race: concurrent registrations of one account: exactly the limit goes in', async () => {
    const accountId = await newAccount()
    const results = await race(await db.racers(), N, (s) => s.paradexSubkeys.insert(subkey(accountId), limit))
    expect(tally(results)).toEqual({ inserted: 3, limit_reached: N - 3 })
    expect(await store().listOfAccount(accountId, { withRevoked: false })).toHaveLength(3)
  })

  it('race: concurrent registrations of one key: one goes in, the others are told it exists', async () => {
    const accountId = await newAccount()
    const publicKey = key()
    const results = await race(await db.racers(), N, (s) =>
      s.paradexSubkeys.insert(subkey(accountId, { publicKey }), { maxActivePerAccount: 100 }),
    )
    expect(tally(results)).toEqual({ inserted: 1, exists: N - 1 })
  })

  it('race: concurrent revocations of one subkey: exactly one gets the row', async () => {
    const accountId = await newAccount()
    const first = subkey(accountId)
    await store().insert(first, limit)
    const results = await race(await db.racers(), N, (s, i) =>
      s.paradexSubkeys.revoke(accountId, first.publicKey, T0 + i).then((row) => (row ? 'revoked' : 'none')),
    )
    expect(tally(results)).toEqual({ revoked: 1, none: N - 1 })
  })
})
