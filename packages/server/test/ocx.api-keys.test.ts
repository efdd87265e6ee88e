import type { HTTPMethods } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { OCX_ORIGIN, ocxClient, ocxSession } from './support/ocx-client.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet } from './support/wallet.js'

const KEYS = '/ocx/perps/me/api-keys'

/** OCX key management: shapes, scopes, allowlists, expiry, and who may manage keys at all. */
describe('OCX API keys', () => {
  let server: TestServer
  let bearer: Record<string, string>
  beforeEach(async () => {
    server = await startTestServer()
    bearer = await sessionHeaders(server)
  })
  afterEach(() => server.close())

  async function sessionHeaders(on: TestServer) {
    const { value } = await ocxSession(
      ocxClient(on.app, { headers: OCX_ORIGIN }),
      newWallet(),
      on.clock.now(),
    )
    return { authorization: `Bearer ${value}` }
  }
  const call = (method: HTTPMethods, url: string, headers: Record<string, string>, payload?: object) =>
    server.app.inject({ method, url, headers, ...(payload ? { payload } : {}) })
  const create = async (body: object, headers = bearer) => {
    const response = await call('POST', KEYS, headers, body)
    if (response.statusCode !== 201) throw new Error(`create: ${response.statusCode} ${response.body}`)
    return response.json() as { id: string; secret: string }
  }
  const list = async (headers = bearer) =>
    (await call('GET', KEYS, headers)).json().keys as Record<string, unknown>[]
  const verify = (scope: 'read' | 'trade', secret: string, ip = '127.0.0.1') =>
    server.app.inject({
      method: 'GET',
      url: `/v1/verify/${scope}`,
      headers: { 'x-api-key': secret },
      remoteAddress: ip,
    })
  const expectOcxError = (
    response: { statusCode: number; json(): { error: string } },
    status: number,
    error: string,
  ) => expect([response.statusCode, response.json().error]).toEqual([status, error])

  it('error: an API key can never manage keys or sessions: 403 SCOPE_MISSING, with x-api-key or Bearer', async () => {
    const { id, secret } = await create({ name: 'bot', scope: 'trade' })
    for (const headers of [{ 'x-api-key': secret }, { authorization: `Bearer ${secret}` }]) {
      expectOcxError(await call('GET', KEYS, headers), 403, 'SCOPE_MISSING')
      expectOcxError(await call('POST', KEYS, headers, { name: 'x', scope: 'read' }), 403, 'SCOPE_MISSING')
      expectOcxError(await call('DELETE', `${KEYS}/${id}`, headers), 403, 'SCOPE_MISSING')
      expectOcxError(await call('POST', '/ocx/auth/logout', headers), 403, 'SCOPE_MISSING')
      expectOcxError(
        await call('POST', '/ocx/auth/redeem-invite', headers, { code: 'x' }),
        403,
        'SCOPE_MISSING',
      )
    }
    expect(await list()).toHaveLength(1)
  })

  it('error: a read key is refused on a trade route (403), a trade key passes both', async () => {
    const read = await create({ name: 'reader', scope: 'read' })
    const trade = await create({ name: 'trader', scope: 'trade' })
    expect((await verify('read', read.secret)).statusCode).toBe(200)
    const refused = await verify('trade', read.secret)
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'SCOPE_MISSING'])
    expect((await verify('trade', trade.secret)).statusCode).toBe(200)
  })

  it('behavior: allowedIps and expiresInDays are kept, listed and enforced', async () => {
    const now = server.clock.now()
    const key = await create({
      name: 'desk',
      scope: 'read',
      allowedIps: ['10.0.0.0/8', '2001:db8::1'],
      expiresInDays: 2,
    })
    expect(await list()).toEqual([
      expect.objectContaining({
        id: key.id,
        allowedIps: ['10.0.0.0/8', '2001:db8::1'],
        expiresAt: new Date(now + 2 * 86_400_000).toISOString(),
        status: 'active',
        lastUsedAt: null,
        lastUsedIp: null,
      }),
    ])
    expect((await verify('read', key.secret, '127.0.0.1')).statusCode).toBe(403)
    expect((await verify('read', key.secret, '10.1.2.3')).statusCode).toBe(200)
    expect(await list()).toEqual([expect.objectContaining({ lastUsedIp: '10.1.2.3' })])
    server.clock.advance(2 * 86_400_000)
    expect((await verify('read', key.secret, '10.1.2.3')).json().code).toBe('API_KEY_EXPIRED')
    expect(await list()).toEqual([expect.objectContaining({ status: 'expired' })])
  })

  it.each([
    ['a bad allowedIps entry', { name: 'k', scope: 'read', allowedIps: ['not-an-ip'] }],
    ['an unknown scope', { name: 'k', scope: 'withdraw' }],
    ['no name', { scope: 'read' }],
    ['expiresInDays 0', { name: 'k', scope: 'read', expiresInDays: 0 }],
    ['an unknown property', { name: 'k', scope: 'read', permissions: ['all'] }],
  ])('error: creating a key with %s is 400 VALIDATION_FAILED', async (_, body) => {
    expectOcxError(await call('POST', KEYS, bearer, body), 400, 'VALIDATION_FAILED')
    expect(await list()).toEqual([])
  })

  it("behavior: DELETE takes the ocx_kid_ id or the bare Sigil id; another account's key is 404", async () => {
    const first = await create({ name: 'a', scope: 'read' })
    const second = await create({ name: 'b', scope: 'read' })
    const stranger = await sessionHeaders(server)
    expectOcxError(await call('DELETE', `${KEYS}/${first.id}`, stranger), 404, 'API_KEY_NOT_FOUND')
    expectOcxError(await call('DELETE', `${KEYS}/ocx_kid_nosuchkey0000000`, bearer), 404, 'API_KEY_NOT_FOUND')
    expect((await call('DELETE', `${KEYS}/${first.id}`, bearer)).statusCode).toBe(204)
    expect((await call('DELETE', `${KEYS}/${second.id.slice('ocx_kid_'.length)}`, bearer)).statusCode).toBe(
      204,
    )
    expect((await list()).map((k) => k.status)).toEqual(['revoked', 'revoked'])
  })

  it('error: past apiKeysPerAccountMax active keys, creation is 409 API_KEY_LIMIT_REACHED', async () => {
    await server.close()
    server = await startTestServer({ apiKeysPerAccountMax: 1 })
    bearer = await sessionHeaders(server)
    await create({ name: 'one', scope: 'read' })
    expectOcxError(
      await call('POST', KEYS, bearer, { name: 'two', scope: 'read' }),
      409,
      'API_KEY_LIMIT_REACHED',
    )
  })

  it('behavior: invites required: a pending account gets 403 INVITE_REQUIRED for a trade key until it redeems', async () => {
    await server.close()
    server = await startTestServer({ invitesRequired: true })
    bearer = await sessionHeaders(server)
    expectOcxError(await call('POST', KEYS, bearer, { name: 't', scope: 'trade' }), 403, 'INVITE_REQUIRED')
    expectOcxError(
      await call('POST', '/ocx/auth/redeem-invite', bearer, { code: 'nope' }),
      400,
      'INVITE_INVALID',
    )
    const code = await server.gateway.operator.createInvite({ uses: 1 })
    expect((await call('POST', '/ocx/auth/redeem-invite', bearer, { code })).statusCode).toBe(204)
    // The session's scopes follow the account's status: it can mint a trade key at once.
    expect((await create({ name: 't', scope: 'trade' })).secret).toMatch(/^ocx_sk_/)
    expectOcxError(
      await call('POST', '/ocx/auth/redeem-invite', bearer, { code }),
      409,
      'ACCOUNT_ALREADY_ACTIVE',
    )
  })

  it('behavior: a key minted natively (sgl_sk_) is listed on OCX with an ocx_kid_ id, secret-free', async () => {
    const nativeKey = await server.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: bearer,
      payload: { name: 'native', scope: 'read' },
    })
    const { id, secret } = nativeKey.json()
    const keys = await call('GET', KEYS, bearer)
    expect(keys.json().keys.map((k: { id: string }) => k.id)).toEqual([`ocx_kid_${id}`])
    expect(keys.body).not.toContain(secret.slice(7))
    expect(keys.headers['cache-control']).toBe('no-store')
  })
})
