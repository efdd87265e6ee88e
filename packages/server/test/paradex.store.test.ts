import { MAX_ISOLATED_ACCOUNTS } from '@sigil/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { A2 } from './support/paradex-vectors.js'
import { startTestServer, type TestServer } from './support/test-server.js'

describe('Starknet account store', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  const register = (publicKey: string, now = 1000) =>
    server.stores.starknetAccounts.register(
      { account: A2.account, signerType: 'starknet', publicKey },
      now,
      'active',
    )

  it('behavior: registers once, links a Sigil account whose id is the Starknet account, and is idempotent', async () => {
    const first = await register(A2.publicKey)
    expect(first).toMatchObject({
      status: 'registered',
      record: { account: A2.account, accountId: A2.account },
    })
    expect(await register(A2.publicKey, 2000)).toMatchObject({
      status: 'existing',
      record: { createdAt: 1000 },
    })
    expect(await server.stores.accounts.findById(A2.account)).toMatchObject({
      id: A2.account,
      address: A2.account,
      status: 'active',
    })
  })

  it('attack: the unsigned eth address of a Stark-key onboarding is never the displayed wallet', async () => {
    await server.stores.starknetAccounts.register(
      { account: A2.account, signerType: 'starknet', publicKey: A2.publicKey, ethAddress: A2.ethAddress },
      1000,
      'active',
    )
    expect((await server.stores.accounts.findById(A2.account))?.address).toBe(A2.account)
    expect((await server.stores.starknetAccounts.find(A2.account))?.ethAddress).toBe(A2.ethAddress)
  })

  it('attack: another key for an onboarded account is refused and changes nothing', async () => {
    await register(A2.publicKey)
    expect(await register('0x1234')).toEqual({ status: 'key_mismatch' })
    expect((await server.stores.starknetAccounts.find(A2.account))?.publicKey).toBe(A2.publicKey)
  })

  it('attack: the same value as another signer type is another signer', async () => {
    await register(A2.publicKey)
    const asEvm = await server.stores.starknetAccounts.register(
      { account: A2.account, signerType: 'eip191', publicKey: A2.publicKey },
      1000,
      'active',
    )
    expect(asEvm).toEqual({ status: 'key_mismatch' })
    expect((await server.stores.starknetAccounts.find(A2.account))?.signerType).toBe('starknet')
  })

  it('behavior: concurrent onboardings of one account end in one pair of rows', async () => {
    const outcomes = await Promise.all([
      register(A2.publicKey),
      register(A2.publicKey),
      register(A2.publicKey),
    ])
    expect(outcomes.every((o) => o.status !== 'key_mismatch')).toBe(true)
    // Exactly one racer onboarded the account (and is the one that audits it).
    expect(outcomes.filter((o) => o.status === 'registered')).toHaveLength(1)
    expect(await server.stores.starknetAccounts.find(A2.account)).toBeDefined()
  })
})

describe('Signature use store (strictReplay)', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  it('behavior: a key is claimed once while live, and again once its use has expired', async () => {
    const uses = server.stores.signatureUses
    expect(await uses.claim('k', 2000, 1000)).toBe(true)
    expect(await uses.claim('k', 3000, 1500)).toBe(false)
    expect(await uses.claim('other', 3000, 1500)).toBe(true)
    expect(await uses.claim('k', 4000, 2000)).toBe(true)
    expect(await uses.claim('k', 5000, 3999)).toBe(false)
  })

  it('behavior: of concurrent claims on one key exactly one wins', async () => {
    const claims = await Promise.all(
      Array.from({ length: 10 }, () => server.stores.signatureUses.claim('k', 2000, 1000)),
    )
    expect(claims.filter(Boolean)).toHaveLength(1)
  })

  it('behavior: deleteExpired removes only expired uses', async () => {
    const uses = server.stores.signatureUses
    await uses.claim('old', 1000, 0)
    await uses.claim('live', 5000, 0)
    expect(await uses.deleteExpired(2000)).toBe(1)
    expect(await uses.claim('live', 6000, 2000)).toBe(false)
  })
})

describe('Isolated account store', () => {
  const limit = { maxPerParent: MAX_ISOLATED_ACCOUNTS }
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
    await server.stores.starknetAccounts.register(
      { account: A2.account, signerType: 'starknet', publicKey: A2.publicKey },
      1000,
      'active',
    )
  })
  afterEach(() => server.close())

  it('behavior: links, lists by parent, is idempotent and refuses a second parent or market', async () => {
    const isolated = server.stores.isolatedAccounts
    const link = { account: '0xa1', parentAccountId: A2.account, market: 'BTC-USD-PERP' }
    expect(await isolated.add(link, 5, limit)).toEqual({ status: 'added', record: { ...link, createdAt: 5 } })
    // The same link again: the stored row, with its first creation time.
    expect(await isolated.add(link, 6, limit)).toEqual({
      status: 'exists',
      record: { ...link, createdAt: 5 },
    })
    expect(await isolated.add({ ...link, market: 'ETH-USD-PERP' }, 6, limit)).toEqual({ status: 'taken' })
    expect(await isolated.listByParent(A2.account)).toEqual([
      { account: '0xa1', parentAccountId: A2.account, market: 'BTC-USD-PERP', createdAt: 5 },
    ])
    expect(await isolated.remove('0xa1')).toBe(true)
    expect(await isolated.remove('0xa1')).toBe(false)
    expect(await isolated.listByParent(A2.account)).toEqual([])
  })

  it('attack: a parent that is not an account is refused by the store (foreign key)', async () => {
    await expect(
      server.stores.isolatedAccounts.add(
        { account: '0xa2', parentAccountId: '0xnope', market: 'X' },
        5,
        limit,
      ),
    ).rejects.toThrow()
  })
})

describe('Paradex configuration', () => {
  it('attack: the root mount is refused while the native API is at the root too (both start with /v1)', () => {
    expect(() => loadConfig({ flags: { 'paradex.prefix': '' } })).toThrow(
      /paradex.prefix: "" mounts \/v1 over the native API/,
    )
    expect(() => loadConfig({ flags: { 'paradex.prefix': '', 'native.prefix': '/sigil' } })).not.toThrow()
  })

  it('attack: a dialect on the native prefix, or over its /v1, is refused', () => {
    expect(() => loadConfig({ flags: { 'native.prefix': '/ocx' } })).toThrow(
      /ocx.prefix: the same prefix as native.prefix/,
    )
    expect(() => loadConfig({ flags: { 'native.prefix': '/api', 'evedex.prefix': '/api/v1' } })).toThrow(
      /evedex.prefix: \/api\/v1 overlaps the native API/,
    )
  })

  it('behavior: two dialects on one prefix are refused', () => {
    expect(() => loadConfig({ flags: { 'paradex.prefix': '/ocx' } })).toThrow(
      /paradex.prefix: the same prefix as ocx.prefix/,
    )
  })
})
