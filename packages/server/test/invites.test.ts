import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashSecret } from '../src/core/secret-token.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet, signIn } from './support/wallet.js'

describe('invite gating (invitesRequired)', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer({ invitesRequired: true })
  })
  afterEach(() => server.close())

  const call = (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) =>
    server.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    })
  const newInvite = (uses = 1, expiresInDays?: number) =>
    server.gateway.operator.createInvite({ uses, ...(expiresInDays ? { expiresInDays } : {}) })

  it('default: a new account signs in pending: it reads, but cannot trade or mint a trade key', async () => {
    const session = (await signIn(server.app, newWallet(), server.clock.now())).json()
    const me = await call('GET', '/v1/auth/me', session.accessToken)
    expect(me.json()).toMatchObject({ account: { status: 'pending' }, scopes: ['read', 'account'] })
    expect((await call('GET', '/v1/verify/read', session.accessToken)).statusCode).toBe(200)
    const trade = await call('GET', '/v1/verify/trade', session.accessToken)
    expect([trade.statusCode, trade.json().code]).toEqual([403, 'INVITE_REQUIRED'])
    const tradeKey = await call('POST', '/v1/api-keys', session.accessToken, { name: 'bot', scope: 'trade' })
    expect([tradeKey.statusCode, tradeKey.json().code]).toEqual([403, 'INVITE_REQUIRED'])
    expect(
      (await call('POST', '/v1/api-keys', session.accessToken, { name: 'ro', scope: 'read' })).statusCode,
    ).toBe(201)
  })

  it('behavior: redeeming a code activates the account; refreshed tokens can trade', async () => {
    const session = (await signIn(server.app, newWallet(), server.clock.now())).json()
    const redeem = await call('POST', '/v1/auth/redeem-invite', session.accessToken, {
      code: await newInvite(),
    })
    expect(redeem.statusCode).toBe(204)
    const fresh = (
      await server.app.inject({
        method: 'POST',
        url: '/v1/auth/refresh',
        payload: { refreshToken: session.refreshToken },
      })
    ).json()
    expect((await call('GET', '/v1/verify/trade', fresh.accessToken)).statusCode).toBe(200)
    const again = await call('POST', '/v1/auth/redeem-invite', fresh.accessToken, { code: await newInvite() })
    expect([again.statusCode, again.json().code]).toEqual([409, 'ACCOUNT_ALREADY_ACTIVE'])
  })

  it('error: unknown, malformed, used-up and expired codes are refused alike', async () => {
    const other = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
    const single = await newInvite(1)
    expect((await call('POST', '/v1/auth/redeem-invite', other, { code: single })).statusCode).toBe(204)
    const expiring = await newInvite(5, 1)
    server.clock.advance(86_400_000)
    const token = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
    for (const code of ['sgl_inv_AAAAAAAAAAAAAAAAAAAA', 'nonsense', single, expiring]) {
      const response = await call('POST', '/v1/auth/redeem-invite', token, { code })
      expect([code, response.statusCode, response.json().code]).toEqual([code, 400, 'INVITE_INVALID'])
    }
  })

  it('behavior: a single-use code raced by 5 accounts activates exactly one', async () => {
    const code = await newInvite(1)
    const tokens = await Promise.all(
      Array.from(
        { length: 5 },
        async () => (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken,
      ),
    )
    const results = await Promise.all(tokens.map((t) => call('POST', '/v1/auth/redeem-invite', t, { code })))
    expect(results.map((r) => r.statusCode).sort()).toEqual([204, 400, 400, 400, 400])
  })

  it('behavior: codes are stored as SHA-256 only', async () => {
    const code = await newInvite(3)
    const db = (
      server.stores as unknown as {
        db: import('kysely').Kysely<import('../src/store/sql/schema.js').Database>
      }
    ).db
    const rows = await db.selectFrom('invites').selectAll().execute()
    expect(rows).toHaveLength(1)
    expect(Buffer.from(rows[0]!.code_hash).equals(Buffer.from(hashSecret(code)))).toBe(true)
    expect(JSON.stringify(rows)).not.toContain(code.slice(8))
  })

  it('behavior: without invitesRequired accounts are active from the first sign-in', async () => {
    const open = await startTestServer()
    try {
      const token = (await signIn(open.app, newWallet(), open.clock.now())).json().accessToken
      const me = await open.app.inject({
        method: 'GET',
        url: '/v1/auth/me',
        headers: { authorization: `Bearer ${token}` },
      })
      expect(me.json().account.status).toBe('active')
    } finally {
      await open.close()
    }
  })
})
