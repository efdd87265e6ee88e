import type { PrivateKeyAccount } from 'viem/accounts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EVIL_ORIGIN, rawSetCookie, SAME_ORIGIN } from './support/cookie-session.js'
import { OCX_COOKIE, OCX_ORIGIN, ocxClient, ocxSession, ocxSignIn } from './support/ocx-client.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet, signIn } from './support/wallet.js'

/** The OCX session: its cookie (SameSite=None, hence CSRF), the Bearer form, /auth/me, logout. */
describe('OCX session cookie and CSRF', () => {
  let server: TestServer
  let wallet: PrivateKeyAccount
  let session: string
  beforeEach(async () => {
    server = await startTestServer()
    wallet = newWallet()
    session = (await ocxSession(ocxClient(server.app, { headers: OCX_ORIGIN }), wallet, server.clock.now()))
      .value
  })
  afterEach(() => server.close())

  const withCookie = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    headers: Record<string, string>,
    payload?: object,
  ) =>
    server.app.inject({
      method,
      url,
      headers,
      cookies: { [OCX_COOKIE]: session },
      ...(payload ? { payload } : {}),
    })
  const me = (headers: Record<string, string> = {}) => withCookie('GET', '/ocx/auth/me', headers)
  const keyCount = async () =>
    (await withCookie('GET', '/ocx/perps/me/api-keys', {})).json().keys.length as number

  it.each([
    ['Origin https://evil.example', EVIL_ORIGIN],
    ['Origin null', { origin: 'null' }],
    ['neither Origin nor Sec-Fetch-Site', {}],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('error: a cookie POST with %s is 403 CSRF_REJECTED, and nothing is done', async (_, headers) => {
    const create = await withCookie('POST', '/ocx/perps/me/api-keys', headers, { name: 'x', scope: 'trade' })
    expect([create.statusCode, create.json().error]).toEqual([403, 'CSRF_REJECTED'])
    const logout = await withCookie('POST', '/ocx/auth/logout', headers)
    expect([logout.statusCode, logout.json().error]).toEqual([403, 'CSRF_REJECTED'])
    expect(rawSetCookie(logout, OCX_COOKIE)).toBeUndefined()
    expect(await keyCount()).toBe(0)
    expect((await me()).json()).not.toBeNull()
  })

  it('error: a cross-site cookie DELETE of a key is CSRF_REJECTED; from our origin it revokes', async () => {
    const key = (
      await withCookie('POST', '/ocx/perps/me/api-keys', SAME_ORIGIN, { name: 'k', scope: 'read' })
    ).json()
    const url = `/ocx/perps/me/api-keys/${key.id}`
    expect((await withCookie('DELETE', url, EVIL_ORIGIN)).statusCode).toBe(403)
    expect((await withCookie('DELETE', url, { 'sec-fetch-site': 'same-origin' })).statusCode).toBe(204)
  })

  it('error: a cross-site cookie sign-in (login CSRF) is 403 and leaves the nonce unused', async () => {
    const evil = ocxClient(server.app, { headers: EVIL_ORIGIN })
    const attempt = await ocxSignIn(evil, wallet, server.clock.now())
    expect([attempt.response.statusCode, attempt.response.json().error]).toEqual([403, 'CSRF_REJECTED'])
    expect(rawSetCookie(attempt.response, OCX_COOKIE)).toBeUndefined()
    const ours = ocxClient(server.app, { headers: OCX_ORIGIN })
    expect((await ours.siwe(attempt.message, attempt.signature)).statusCode).toBe(200)
  })

  it('behavior: a non-browser client (no Origin, no Sec-Fetch-Site) signs in', async () => {
    const bot = ocxClient(server.app)
    expect((await ocxSignIn(bot, newWallet(), server.clock.now())).response.statusCode).toBe(200)
  })

  it('behavior: the session as Authorization: Bearer is the session, without cookie CSRF rules', async () => {
    const bearer = { authorization: `Bearer ${session}` }
    const created = await server.app.inject({
      method: 'POST',
      url: '/ocx/perps/me/api-keys',
      headers: { ...bearer, ...EVIL_ORIGIN },
      payload: { name: 'k', scope: 'read' },
    })
    expect(created.statusCode).toBe(201)
    const who = await server.app.inject({ method: 'GET', url: '/ocx/auth/me', headers: bearer })
    expect(who.json().walletAddress).toBe(wallet.address)
  })

  it('behavior: when both are sent, the Authorization header wins over the cookie', async () => {
    const other = newWallet()
    const otherSession = (
      await ocxSession(ocxClient(server.app, { headers: OCX_ORIGIN }), other, server.clock.now())
    ).value
    const who = await me({ authorization: `Bearer ${otherSession}` })
    expect(who.json().walletAddress).toBe(other.address)
  })

  it('behavior: /auth/me is null (200) with no credential, a forged one, or a bad Bearer; never 401', async () => {
    const anonymous = await server.app.inject({ method: 'GET', url: '/ocx/auth/me' })
    expect([anonymous.statusCode, anonymous.body]).toEqual([200, 'null'])
    const forged = await server.app.inject({
      method: 'GET',
      url: '/ocx/auth/me',
      cookies: { [OCX_COOKIE]: `${session.split('.')[0]}.${'A'.repeat(43)}` },
    })
    expect([forged.statusCode, forged.json()]).toEqual([200, null])
    expect((await me({ authorization: 'Bearer not-a-token' })).json()).toBeNull()
  })

  it('behavior: /auth/me reads a cross-site GET (a safe method): the cookie is still the caller', async () => {
    expect((await me(EVIL_ORIGIN)).json()).toMatchObject({ walletAddress: wallet.address })
  })

  it('behavior: logout ends this session only; {"all": true} ends every session of the account', async () => {
    const second = (
      await ocxSession(ocxClient(server.app, { headers: OCX_ORIGIN }), wallet, server.clock.now())
    ).value
    const jwt = (await signIn(server.app, wallet, server.clock.now())).json().accessToken as string
    const logout = await withCookie('POST', '/ocx/auth/logout', SAME_ORIGIN)
    expect(logout.statusCode).toBe(204)
    expect(rawSetCookie(logout, OCX_COOKIE)).toMatch(/^astra_session=;/)
    expect((await me()).json()).toBeNull()
    const bySecond = { authorization: `Bearer ${second}` }
    expect(
      (await server.app.inject({ method: 'GET', url: '/ocx/auth/me', headers: bySecond })).json(),
    ).not.toBeNull()

    const all = await server.app.inject({
      method: 'POST',
      url: '/ocx/auth/logout',
      headers: bySecond,
      payload: { all: true },
    })
    expect([all.statusCode, rawSetCookie(all, OCX_COOKIE)]).toEqual([204, undefined])
    expect(
      (await server.app.inject({ method: 'GET', url: '/ocx/auth/me', headers: bySecond })).json(),
    ).toBeNull()
    const native = await server.app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${jwt}` },
    })
    expect(native.statusCode).toBe(401)
  })

  it('error: logout without a credential is 401 CREDENTIAL_MISSING in the OCX body', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/ocx/auth/logout' })
    expect(response.statusCode).toBe(401)
    expect(response.json()).toEqual({ error: 'CREDENTIAL_MISSING', message: expect.any(String) })
  })

  it('behavior: the cookie name follows ocx.sessionCookieName', async () => {
    const custom = await startTestServer({ 'ocx.sessionCookieName': 'ocx_sid' })
    try {
      const client = ocxClient(custom.app, { headers: OCX_ORIGIN })
      const { response } = await ocxSignIn(client, newWallet(), custom.clock.now())
      expect(rawSetCookie(response, 'ocx_sid')).toMatch(/; SameSite=None/)
      expect(client.jar.cookies.has(OCX_COOKIE)).toBe(false)
      expect((await client.me()).json()).toEqual(response.json())
    } finally {
      await custom.close()
    }
  })
})
