import { Wallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKey, type SignedIn, useKey } from './support/api-keys.js'
import { type EvedexSession, evedexApi, evedexSignUp } from './support/evedex-client.js'
import { startTestServer, type TestServer } from './support/test-server.js'

const DAY_MS = 86_400_000

/** EVEDEX's API-key management (/auth/api-key), over Sigil's keys: presented as `x-api-key`. */
describe('EVEDEX dialect: API keys', () => {
  let server: TestServer
  let api: ReturnType<typeof evedexApi>
  let session: EvedexSession
  beforeEach(async () => {
    server = await startTestServer({ publicUrl: 'https://app.example' })
    api = evedexApi(server.app)
    session = await evedexSignUp(server, Wallet.createRandom())
  })
  afterEach(() => server.close())

  const create = (body: Record<string, unknown>) =>
    api.send('POST', '/auth/api-key', { token: session.token.accessToken, body })
  const list = (query = '') => api.send('GET', `/auth/api-key${query}`, { token: session.token.accessToken })

  it('default: a key with no scopes trades; it works as x-api-key on EVEDEX and native routes alike', async () => {
    const response = await create({ name: 'bot' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const { id, expireAt, apiKey } = response.json()
    expect(expireAt).toBeNull()
    expect(apiKey).toContain(id)
    expect((await useKey(server, apiKey, { url: '/v1/verify/trade' })).statusCode).toBe(200)
    const me = await api.send('GET', '/auth/user/me', { headers: { 'x-api-key': apiKey } })
    expect([me.statusCode, me.json().id]).toEqual([200, session.user.id])
  })

  it('behavior: `exchange` maps to trade, `partner` alone to read', async () => {
    const exchange = (await create({ name: 'x', scopes: ['exchange', 'partner'] })).json().apiKey
    const partner = (await create({ name: 'p', scopes: ['partner'] })).json().apiKey
    expect((await useKey(server, exchange, { url: '/v1/verify/trade' })).statusCode).toBe(200)
    expect((await useKey(server, partner, { url: '/v1/verify/read' })).statusCode).toBe(200)
    const trade = await useKey(server, partner, { url: '/v1/verify/trade' })
    expect([trade.statusCode, trade.json().code]).toEqual([403, 'SCOPE_MISSING'])
    const listed = list()
    const scopes = (await listed)
      .json()
      .list.map((k: { name: string; settings: { scopes: string[] } }) => [k.name, k.settings.scopes])
    expect(scopes).toEqual(
      expect.arrayContaining([
        ['x', ['exchange']],
        ['p', ['partner']],
      ]),
    )
  })

  it('behavior: expireAt becomes whole days of lifetime (never longer than asked); the key then expires', async () => {
    const now = server.clock.now()
    const asked = new Date(now + 2.5 * DAY_MS).toISOString()
    const response = await create({ name: 'short', expireAt: asked })
    expect(response.json().expireAt).toBe(new Date(now + 2 * DAY_MS).toISOString())
    const { apiKey } = response.json()
    server.clock.advance(2 * DAY_MS)
    const expired = await useKey(server, apiKey)
    expect([expired.statusCode, expired.json().code]).toEqual([401, 'API_KEY_EXPIRED'])
    // Two days on, the access token is long dead: refresh, as an EVEDEX client does on 401.
    session = { ...session, token: (await api.refresh(session.token.refreshToken)).json().token }
    expect((await list()).json().count).toBe(0)
    expect((await list('?withExpired=true')).json().list[0]).toMatchObject({ name: 'short' })
  })

  it('error: expireAt in the past, under a day away, not a date, or an unknown field → 400', async () => {
    const now = server.clock.now()
    for (const expireAt of [
      new Date(now - 1000).toISOString(),
      new Date(now + 3_600_000).toISOString(),
      'soon',
    ]) {
      const response = await create({ name: 'k', expireAt })
      expect([response.statusCode, response.json().code]).toEqual([400, 'VALIDATION_FAILED'])
    }
    const allowedIps = await create({ name: 'k', allowedIps: ['10.0.0.1'] })
    expect([allowedIps.statusCode, allowedIps.json().code]).toEqual([400, 'VALIDATION_FAILED'])
    expect((await create({ name: 'k', scopes: ['admin'] })).statusCode).toBe(400)
    expect((await list()).json().count).toBe(0)
  })

  it("default: the list shows masks, never secrets, with EVEDEX's fields; native keys are listed too", async () => {
    const { apiKey } = (await create({ name: 'bot' })).json()
    const nativeHolder: SignedIn = {
      wallet: undefined as never,
      accountId: session.user.id,
      accessToken: session.token.accessToken,
      headers: { authorization: `Bearer ${session.token.accessToken}` },
    }
    await createKey(server, nativeHolder, { name: 'native', scope: 'read' })
    const response = await list()
    expect(response.statusCode).toBe(200)
    expect(response.body).not.toContain(apiKey)
    const body = response.json()
    expect(body.count).toBe(2)
    expect(body.list[0]).toEqual({
      id: expect.any(String),
      name: expect.any(String),
      mask: expect.stringMatching(/…/),
      isArchived: false,
      expireAt: null,
      createdAt: new Date(server.clock.now()).toISOString(),
      updatedAt: null,
      deletedAt: null,
      settings: { scopes: expect.any(Array) },
    })
    expect((await list('?limit=1&offset=1')).json()).toMatchObject({ count: 2, list: [expect.any(Object)] })
  })

  it('default: regenerate replaces the secret at once; delete revokes the key and unlists it', async () => {
    const { id, apiKey } = (await create({ name: 'bot' })).json()
    const regenerated = await api.send('PUT', `/auth/api-key/${id}/regenerate`, {
      token: session.token.accessToken,
      headers: { 'content-type': 'application/json' },
    })
    expect(regenerated.statusCode).toBe(200)
    const fresh = regenerated.json()
    expect(fresh.id).toBe(id)
    expect(fresh.apiKey).not.toBe(apiKey)
    expect((await useKey(server, apiKey)).json().code).toBe('API_KEY_INVALID')
    expect((await useKey(server, fresh.apiKey)).statusCode).toBe(200)

    const deleted = await api.send('DELETE', `/auth/api-key/${id}`, { token: session.token.accessToken })
    expect([deleted.statusCode, deleted.json()]).toEqual([200, {}])
    expect((await useKey(server, fresh.apiKey)).json().code).toBe('API_KEY_REVOKED')
    expect((await list('?withDeleted=true')).json().count).toBe(0)
    const again = await api.send('DELETE', `/auth/api-key/${id}`, { token: session.token.accessToken })
    expect([again.statusCode, again.json().code]).toEqual([404, 'API_KEY_NOT_FOUND'])
  })

  it('error: an API key can never manage keys (403 SCOPE_MISSING), whichever header carries it', async () => {
    const { id, apiKey } = (await create({ name: 'bot', scopes: ['exchange'] })).json()
    for (const headers of [{ 'x-api-key': apiKey }, { authorization: `Bearer ${apiKey}` }]) {
      const attempts = [
        await api.send('POST', '/auth/api-key', { headers, body: { name: 'escalate' } }),
        await api.send('GET', '/auth/api-key', { headers }),
        await api.send('PUT', `/auth/api-key/${id}/regenerate`, { headers }),
        await api.send('DELETE', `/auth/api-key/${id}`, { headers }),
        await api.send('GET', '/auth/user/sessions', { headers }),
        await api.send('POST', '/auth/user/logout', { headers }),
      ]
      for (const response of attempts) {
        expect([response.statusCode, response.json().code]).toEqual([403, 'SCOPE_MISSING'])
      }
    }
    expect((await useKey(server, apiKey)).statusCode).toBe(200)
  })
})
