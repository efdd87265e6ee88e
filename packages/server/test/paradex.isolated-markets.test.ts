import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { MAX_ISOLATED_ACCOUNTS } from '@sigil/protocol'
import type { Kysely } from 'kysely'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../src/store/sql/schema.js'
import { decodeJwt, onboard, paradexAuth } from './support/paradex-client.js'
import { A1, A2 } from './support/paradex-vectors.js'
import { useTempDir } from './support/temp-dir.js'
import { startTestServer, type TestServer } from './support/test-server.js'

const BIN = new URL('../bin/sigil.js', import.meta.url).pathname
const ISOLATED_BTC = '0xb7c'
const ISOLATED_ETH = '0xe7e'
const AUTHORIZE = 'paradex-authorize-isolated-markets'

const tokenClaims = async (server: TestServer, headers: Record<string, string> = {}) => {
  const response = await paradexAuth(server.app, A2.account, A2.auth, headers)
  expect(response.statusCode).toBe(200)
  return { token: response.json().jwt_token as string, claims: decodeJwt(response.json().jwt_token) }
}

describe('Paradex isolated markets: PARADEX-AUTHORIZE-ISOLATED-MARKETS', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
    server.clock.set(1_700_000_060_000)
    expect((await onboard(server.app)).statusCode).toBe(200)
    await server.gateway.operator.isolatedAccounts.add({
      parentAccountId: A2.account,
      account: ISOLATED_BTC,
      market: 'BTC-USD-PERP',
    })
    await server.gateway.operator.isolatedAccounts.add({
      parentAccountId: A2.account,
      account: ISOLATED_ETH,
      market: 'ETH-USD-PERP',
    })
  })
  afterEach(() => server.close())

  it('behavior: "true" puts the isolated accounts in the token, and the Identity acts for them', async () => {
    const { token, claims } = await tokenClaims(server, { [AUTHORIZE]: 'true' })
    expect(claims).toMatchObject({ sub: A2.account, isolated_accounts: [ISOLATED_BTC, ISOLATED_ETH] })
    const identity = await server.gateway.authenticateAccessToken(token)
    expect(identity.isolatedAccountIds).toEqual([ISOLATED_BTC, ISOLATED_ETH])
  })

  it('behavior: the verify endpoint names the accounts the token may act for, its own first', async () => {
    const { token } = await tokenClaims(server, { [AUTHORIZE]: 'true' })
    const verify = await server.app.inject({
      method: 'GET',
      url: '/v1/verify/trade',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(verify.statusCode).toBe(200)
    expect(verify.headers['x-sigil-acting-accounts']).toBe(`${A2.account} ${ISOLATED_BTC} ${ISOLATED_ETH}`)
    const plain = (await tokenClaims(server)).token
    const alone = await server.app.inject({
      method: 'GET',
      url: '/v1/verify/read',
      headers: { authorization: `Bearer ${plain}` },
    })
    expect(alone.headers['x-sigil-acting-accounts']).toBe(A2.account)
  })

  it('default: without the header, or with "false", the token covers the main account only', async () => {
    for (const headers of [{}, { [AUTHORIZE]: 'false' }]) {
      const { token, claims } = await tokenClaims(server, headers)
      expect(claims).not.toHaveProperty('isolated_accounts')
      expect((await server.gateway.authenticateAccessToken(token)).isolatedAccountIds).toBeUndefined()
    }
  })

  it('error: any other header value is a 400, and no token', async () => {
    for (const value of ['yes', 'TRUE', '1', '']) {
      const response = await paradexAuth(server.app, A2.account, A2.auth, { [AUTHORIZE]: value })
      expect([value, response.statusCode, response.json().error]).toEqual([value, 400, 'VALIDATION_ERROR'])
    }
  })

  it("attack: another account's isolated accounts never appear in this account's token", async () => {
    server.clock.set(1_700_000_060_000)
    expect((await onboard(server.app, A1)).statusCode).toBe(200)
    const response = await paradexAuth(server.app, A1.account, A1.auth, { [AUTHORIZE]: 'true' })
    expect(response.statusCode).toBe(200)
    expect(decodeJwt(response.json().jwt_token)).not.toHaveProperty('isolated_accounts')
  })

  it('behavior: the list is taken at issuance: a link removed later stays in the earlier token only', async () => {
    const before = await tokenClaims(server, { [AUTHORIZE]: 'true' })
    await server.gateway.operator.isolatedAccounts.remove(ISOLATED_ETH)
    const after = await tokenClaims(server, { [AUTHORIZE]: 'true' })
    expect(before.claims.isolated_accounts).toEqual([ISOLATED_BTC, ISOLATED_ETH])
    expect(after.claims.isolated_accounts).toEqual([ISOLATED_BTC])
  })

  it('attack: an address linked as an isolated account cannot be onboarded (its parent would act for it)', async () => {
    const { A1 } = await import('./support/paradex-vectors.js')
    await server.gateway.operator.isolatedAccounts.add({
      parentAccountId: A2.account,
      account: A1.account,
      market: 'SOL-USD-PERP',
    })
    const response = await onboard(server.app, A1)
    expect({ status: response.statusCode, error: response.json().error }).toEqual({
      status: 400,
      error: 'INVALID_STARKNET_ADDRESS',
    })
    expect(await server.stores.starknetAccounts.find(A1.account)).toBeUndefined()
    await server.gateway.operator.isolatedAccounts.remove(A1.account)
    expect((await onboard(server.app, A1)).statusCode).toBe(200)
  })

  it('attack: a link whose address became a main account anyway is inert: never in a token', async () => {
    const { db } = server.stores as unknown as { db: Kysely<Database> }
    await db
      .insertInto('accounts')
      .values({
        id: ISOLATED_ETH,
        address_key: `starknet:${ISOLATED_ETH}`,
        address: ISOLATED_ETH,
        status: 'active',
        created_at: 1,
      })
      .execute()
    const { claims } = await tokenClaims(server, { [AUTHORIZE]: 'true' })
    expect(claims.isolated_accounts).toEqual([ISOLATED_BTC])
  })

  it('attack: links that would confuse accounts are refused with codes', async () => {
    const add = (account: string, parentAccountId: string = A2.account, market = 'SOL-USD-PERP') =>
      server.gateway.operator.isolatedAccounts.add({ parentAccountId, account, market })
    await expect(add('0x5', '0xnobody')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(add(A2.account)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(add(ISOLATED_BTC, A2.account, 'ETH-USD-PERP')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
    await expect(add('0x5', A2.account, 'btc usd; drop')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    await expect(add('not-an-address')).rejects.toMatchObject({ code: 'STARKNET_ADDRESS_INVALID' })
    // Real Paradex markets have lower-case prefixes (kBONK): the one market rule accepts them.
    await expect(add('0x6', A2.account, 'kBONK-USD-PERP')).resolves.toMatchObject({
      market: 'kBONK-USD-PERP',
    })
    // The main account in another spelling of its felt is the same account.
    await expect(add('0x7', A2.account.toUpperCase().replace('0X', '0x0'))).resolves.toMatchObject({
      parentAccountId: A2.account,
    })
    // The same link again is idempotent; an unpadded upper-case spelling is the same account.
    await expect(add('0xB7C', A2.account, 'BTC-USD-PERP')).resolves.toMatchObject({ account: ISOLATED_BTC })
  })
})

describe('isolated accounts: the claim bound', () => {
  it('attack: the 257th link of one main account is refused (its token could never verify)', async () => {
    const server = await startTestServer()
    try {
      server.clock.set(1_700_000_060_000)
      expect((await onboard(server.app)).statusCode).toBe(200)
      for (let i = 1; i <= 256; i++) {
        await server.stores.isolatedAccounts.add(
          {
            account: `0x1${i.toString(16).padStart(3, '0')}`,
            parentAccountId: A2.account,
            market: 'BTC-USD-PERP',
          },
          1,
          { maxPerParent: MAX_ISOLATED_ACCOUNTS },
        )
      }
      await expect(
        server.gateway.operator.isolatedAccounts.add({
          parentAccountId: A2.account,
          account: '0x9999',
          market: 'BTC-USD-PERP',
        }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', detail: 'too_many_isolated_accounts' })
      // 256 still make a token that verifies.
      const { token, claims } = await tokenClaims(server, { [AUTHORIZE]: 'true' })
      expect((claims.isolated_accounts as string[]).length).toBe(256)
      expect((await server.gateway.authenticateAccessToken(token)).isolatedAccountIds).toHaveLength(256)
    } finally {
      await server.close()
    }
  })
})

describe('sigil isolated-accounts', () => {
  const folder = useTempDir('sigil-isolated-')
  let databaseUrl: string
  beforeAll(() => {
    databaseUrl = `sqlite:${join(folder(), 'sigil.db')}`
  })
  const sigil = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, SIGIL_DATABASE_URL: databaseUrl },
      encoding: 'utf8',
    })

  it('behavior: the operator links, lists and removes isolated accounts; the next token follows', async () => {
    const server = await startTestServer({ databaseUrl })
    try {
      server.clock.set(1_700_000_060_000)
      expect((await onboard(server.app)).statusCode).toBe(200)

      const added = sigil('isolated-accounts', 'add', A2.account, ISOLATED_BTC, '--market', 'BTC-USD-PERP')
      expect(added.status).toBe(0)
      expect(JSON.parse(added.stdout)).toMatchObject({ account: ISOLATED_BTC, parentAccountId: A2.account })
      const listed = sigil('isolated-accounts', 'list', A2.account)
      expect(
        listed.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line).account),
      ).toEqual([ISOLATED_BTC])
      expect((await tokenClaims(server, { [AUTHORIZE]: 'true' })).claims.isolated_accounts).toEqual([
        ISOLATED_BTC,
      ])

      expect(sigil('isolated-accounts', 'remove', ISOLATED_BTC).status).toBe(0)
      expect((await tokenClaims(server, { [AUTHORIZE]: 'true' })).claims).not.toHaveProperty(
        'isolated_accounts',
      )

      const refused = sigil('isolated-accounts', 'add', '0xnobody', '0x9', '--market', 'BTC-USD-PERP')
      expect({ status: refused.status, stderr: refused.stderr.trim() }).toEqual({
        status: 1,
        stderr: 'sigil: NOT_FOUND (parent_account)',
      })
      expect(sigil('isolated-accounts', 'add', A2.account).status).toBe(1)
    } finally {
      await server.close()
    }
  })
})
