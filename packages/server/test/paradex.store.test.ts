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
    server.stores.starknetAccounts.register({ account: A2.account, publicKey }, now, 'active')

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

  it('attack: another key for an onboarded account is refused and changes nothing', async () => {
    await register(A2.publicKey)
    expect(await register('0x1234')).toEqual({ status: 'key_mismatch' })
    expect((await server.stores.starknetAccounts.find(A2.account))?.publicKey).toBe(A2.publicKey)
  })

  it('behavior: concurrent onboardings of one account end in one pair of rows', async () => {
    const outcomes = await Promise.all([
      register(A2.publicKey),
      register(A2.publicKey),
      register(A2.publicKey),
    ])
    expect(outcomes.every((o) => o.status !== 'key_mismatch')).toBe(true)
    expect(await server.stores.starknetAccounts.find(A2.account)).toBeDefined()
  })
})

describe('Paradex configuration', () => {
  it('attack: the root mount is refused (Paradex paths would shadow the native /v1 API)', () => {
    expect(() => loadConfig({ flags: { paradexPrefix: '' } })).toThrow(/paradexPrefix: "" would mount/)
  })

  it('behavior: two dialects on one prefix are refused', () => {
    expect(() => loadConfig({ flags: { paradexPrefix: '/ocx' } })).toThrow(
      /paradexPrefix: the same prefix as ocxPrefix/,
    )
  })
})
