import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { COOKIE, EVIL_ORIGIN, SAME_ORIGIN, setCookieOf, signInWithCookie } from './support/cookie-session.js'
import { OCX_COOKIE, ocxClient, ocxSession } from './support/ocx-client.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet } from './support/wallet.js'

/** One browser, two session cookies (native and OCX): each API acts on its own. */
describe('a browser holding a native and an OCX session', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  async function twoSessions() {
    const a = newWallet()
    const b = newWallet()
    const native = setCookieOf(
      await signInWithCookie(server.app, a, server.clock.now(), { headers: SAME_ORIGIN }),
    )!.value
    const ocx = (await ocxSession(ocxClient(server.app), b, server.clock.now())).value
    return { a, b, cookies: { [COOKIE]: native, [OCX_COOKIE]: ocx } }
  }

  it('behavior: OCX routes act on the OCX session, native routes on the native one', async () => {
    const { a, b, cookies } = await twoSessions()
    const ocxMe = await server.app.inject({ url: '/ocx/auth/me', cookies })
    expect(ocxMe.json().walletAddress.toLowerCase()).toBe(b.address.toLowerCase())
    const nativeMe = await server.app.inject({ url: '/v1/auth/me', cookies })
    expect(nativeMe.json().account.address).toBe(a.address)
  })

  it('behavior: OCX logout ends the OCX session and clears only its cookie; the native session lives on', async () => {
    const { a, cookies } = await twoSessions()
    const logout = await server.app.inject({
      method: 'POST',
      url: '/ocx/auth/logout',
      cookies,
      headers: SAME_ORIGIN,
    })
    expect(logout.statusCode).toBe(204)
    expect(setCookieOf(logout, OCX_COOKIE)?.value).toBe('')
    expect(setCookieOf(logout, COOKIE)).toBeUndefined()
    const ocxAfter = await server.app.inject({
      url: '/ocx/auth/me',
      cookies: { [OCX_COOKIE]: cookies[OCX_COOKIE]! },
    })
    expect(ocxAfter.body).toBe('null')
    const nativeAfter = await server.app.inject({
      url: '/v1/auth/me',
      cookies: { [COOKIE]: cookies[COOKIE]! },
    })
    expect(nativeAfter.json().account.address).toBe(a.address)
  })
})

describe('GET /v1/verify/*: a cookie behind a proxy that does not say the original method', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  it('error: a cross-site browser request is refused; same-origin, navigations and non-browsers pass', async () => {
    const value = (await ocxSession(ocxClient(server.app), newWallet(), server.clock.now())).value
    const verify = (headers: Record<string, string>) =>
      server.app.inject({ url: '/v1/verify/trade', cookies: { [OCX_COOKIE]: value }, headers })
    for (const headers of [
      EVIL_ORIGIN,
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ]) {
      const refused = await verify(headers)
      expect([refused.statusCode, refused.json().code]).toEqual([403, 'CSRF_REJECTED'])
    }
    for (const headers of [
      SAME_ORIGIN,
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
      {},
    ]) {
      expect((await verify(headers)).statusCode).toBe(200)
    }
  })
})
