import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  COOKIE,
  cookieSession,
  rawSetCookie,
  SAME_ORIGIN,
  sessionRows,
  setCookieOf,
  sha256,
  signInWithCookie,
  withCookie,
} from './support/cookie-session.js'
import { startTestServer, TEST_PUBLIC_URL, type TestServer } from './support/test-server.js'
import { newWallet, signIn } from './support/wallet.js'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const COOKIE_SHAPE = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/

describe('POST /v1/auth/siwe with credential "session": the session cookie', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  const me = (value: string) => withCookie(server.app, value, { method: 'GET', url: '/v1/auth/me' })

  it('default: a cookie instead of tokens: __Host- prefix, HttpOnly, Secure, SameSite=Lax, Path=/, 7 days', async () => {
    const wallet = newWallet()
    const now = server.clock.now()
    const response = await signInWithCookie(server.app, wallet, now, { headers: SAME_ORIGIN })
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')

    const body = response.json()
    expect(Object.keys(body).sort()).toEqual(['account', 'expiresAt', 'sessionId'])
    expect(body.account.address).toBe(wallet.address)
    expect(body.expiresAt).toBe(new Date(now + 7 * DAY).toISOString())
    expect(response.body).not.toMatch(/accessToken|refreshToken/)

    const cookie = setCookieOf(response)!
    expect(cookie).toMatchObject({
      name: '__Host-sigil_session',
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
      path: '/',
      maxAge: 604_800,
    })
    expect(cookie.domain).toBeUndefined()
    const raw = rawSetCookie(response)!
    expect(raw).not.toMatch(/;\s*Domain=/i)
    expect(raw).toMatch(/;\s*Secure/)
    expect(raw).toMatch(/;\s*HttpOnly/)

    // `id.secret`; the id is the session id the API shows (sessions list, /me), the secret is not.
    const [, id, secret] = COOKIE_SHAPE.exec(cookie.value)!
    expect(id).toBe(body.sessionId)
    expect(response.body).not.toContain(secret)
  })

  it('default: the cookie authenticates /me like a bearer token, as credential "cookie"', async () => {
    const session = await cookieSession(server.app, newWallet(), server.clock.now())
    const response = await me(session.value)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      account: { ...session.account, status: 'active' },
      credential: 'cookie',
      sessionId: session.sessionId,
      scopes: ['read', 'trade', 'account'],
    })
    // A plain use sets no cookie (no sliding renewal by default).
    expect(setCookieOf(response)).toBeUndefined()
  })

  it('behavior: the cookie reaches every route a bearer token does (sessions, API keys, verify)', async () => {
    const session = await cookieSession(server.app, newWallet(), server.clock.now())
    const get = (url: string) => withCookie(server.app, session.value, { method: 'GET', url })

    const sessions = await get('/v1/auth/sessions')
    expect(sessions.statusCode).toBe(200)
    expect(sessions.json().sessions.map((s: { id: string }) => s.id)).toEqual([session.sessionId])

    const created = await withCookie(server.app, session.value, {
      method: 'POST',
      url: '/v1/api-keys',
      headers: SAME_ORIGIN,
      payload: { name: 'bot', scope: 'read' },
    })
    expect(created.statusCode).toBe(201)
    expect((await get('/v1/api-keys')).json().apiKeys).toHaveLength(1)

    for (const url of ['/v1/verify/read', '/v1/verify/trade']) {
      const verified = await get(url)
      expect(verified.statusCode).toBe(200)
      expect(verified.headers['x-sigil-account']).toBe(session.account.id)
      expect(verified.headers['x-sigil-credential']).toBe('cookie')
      expect(verified.headers['x-sigil-scope']).toBe('read trade account')
    }
  })

  it.each([
    ['an allowed Origin', SAME_ORIGIN],
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin' }],
    ['Sec-Fetch-Site: none (typed by the user)', { 'sec-fetch-site': 'none' }],
    ['neither header (a non-browser client)', {}],
  ])('parameters: a cookie sign-in with %s is accepted', async (_, headers) => {
    const response = await signInWithCookie(server.app, newWallet(), server.clock.now(), { headers })
    expect(response.statusCode).toBe(200)
    expect(setCookieOf(response)?.value).toMatch(COOKIE_SHAPE)
  })

  it('behavior: the database holds the id and SHA-256(secret), never the cookie value or the secret', async () => {
    const session = await cookieSession(server.app, newWallet(), server.clock.now(), {
      headers: { 'user-agent': 'Browser/1.0' },
    })
    const [, id, secret] = COOKIE_SHAPE.exec(session.value)!
    const rows = await sessionRows(server)
    expect(rows).toHaveLength(1)
    const row = rows[0]!
    expect(row).toMatchObject({ id, kind: 'cookie', account_id: session.account.id })
    expect(Buffer.from(row.secret_hash!).equals(sha256(secret!))).toBe(true)

    const dump = JSON.stringify(rows, (_key, value) =>
      value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
    )
    expect(dump).not.toContain(secret)
    expect(dump).not.toContain(session.value)
    expect(dump).not.toContain(Buffer.from(secret!, 'base64url').toString('latin1'))
  })

  it('behavior: the cookie works until 7 days after sign-in and is refused from then on', async () => {
    const session = await cookieSession(server.app, newWallet(), server.clock.now())
    server.clock.advance(7 * DAY - SECOND)
    expect((await me(session.value)).statusCode).toBe(200)
    server.clock.advance(SECOND)
    const expired = await me(session.value)
    expect(expired.statusCode).toBe(401)
    expect(expired.json().code).toBe('TOKEN_EXPIRED')
    expect(expired.headers['www-authenticate']).toMatch(/^Bearer/)

    // Signing in again starts a fresh session, not the expired one.
    const next = await cookieSession(server.app, newWallet(), server.clock.now())
    expect(next.sessionId).not.toBe(session.sessionId)
    expect((await me(next.value)).statusCode).toBe(200)
  })

  it('behavior: without sliding renewal, regular use does not extend the 7 days', async () => {
    const session = await cookieSession(server.app, newWallet(), server.clock.now())
    for (let day = 1; day < 7; day++) {
      server.clock.advance(DAY)
      const used = await me(session.value)
      expect(used.statusCode).toBe(200)
      expect(setCookieOf(used)).toBeUndefined()
    }
    server.clock.advance(DAY)
    expect((await me(session.value)).json().code).toBe('TOKEN_EXPIRED')
  })

  it('parameters: sessionCookieMaxAgeSeconds sets Max-Age and the lifetime', async () => {
    const short = await startTestServer({ sessionCookieMaxAgeSeconds: 3600 })
    try {
      const now = short.clock.now()
      const response = await signInWithCookie(short.app, newWallet(), now)
      expect(setCookieOf(response)?.maxAge).toBe(3600)
      expect(response.json().expiresAt).toBe(new Date(now + HOUR).toISOString())
      const value = setCookieOf(response)!.value
      const use = () => withCookie(short.app, value, { method: 'GET', url: '/v1/auth/me' })
      short.clock.advance(HOUR - SECOND)
      expect((await use()).statusCode).toBe(200)
      short.clock.advance(SECOND)
      expect((await use()).json().code).toBe('TOKEN_EXPIRED')
    } finally {
      await short.close()
    }
  })

  it('parameters: a cookie never outlives sessionMaxAgeSeconds, even with a longer cookie lifetime', async () => {
    const capped = await startTestServer({ sessionMaxAgeSeconds: 86_400 })
    try {
      const now = capped.clock.now()
      const response = await signInWithCookie(capped.app, newWallet(), now)
      expect(setCookieOf(response)?.maxAge).toBe(86_400)
      expect(response.json().expiresAt).toBe(new Date(now + DAY).toISOString())
    } finally {
      await capped.close()
    }
  })

  it('parameters: allowedOrigins lists every origin whose pages may use the cookie', async () => {
    const multi = await startTestServer({
      allowedOrigins: [TEST_PUBLIC_URL, 'https://trade.example'],
    })
    try {
      for (const origin of [TEST_PUBLIC_URL, 'https://trade.example']) {
        const signedIn = await signInWithCookie(multi.app, newWallet(), multi.clock.now(), {
          headers: { origin },
        })
        expect(signedIn.statusCode).toBe(200)
        const logout = await withCookie(multi.app, setCookieOf(signedIn)!.value, {
          method: 'POST',
          url: '/v1/auth/logout',
          headers: { origin },
        })
        expect(logout.statusCode).toBe(204)
      }
      const refused = await signInWithCookie(multi.app, newWallet(), multi.clock.now(), {
        headers: { origin: 'https://evil.example' },
      })
      expect(refused.statusCode).toBe(403)
      expect(refused.json().code).toBe('CSRF_REJECTED')
    } finally {
      await multi.close()
    }
  })

  it('behavior: a token sign-in sets no cookie', async () => {
    const response = await signIn(server.app, newWallet(), server.clock.now())
    expect(response.statusCode).toBe(200)
    expect(response.headers['set-cookie']).toBeUndefined()
  })
})

describe('sessionCookieSliding: renewal on use', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer({ sessionCookieSliding: true })
  })
  afterEach(() => server.close())

  const me = (value: string) => withCookie(server.app, value, { method: 'GET', url: '/v1/auth/me' })

  it('behavior: a use after an hour re-sets the same cookie with a fresh 7-day Max-Age, which then holds', async () => {
    const start = server.clock.now()
    const session = await cookieSession(server.app, newWallet(), start)
    server.clock.advance(10 * MINUTE)
    expect(setCookieOf(await me(session.value))).toBeUndefined()

    server.clock.advance(2 * HOUR)
    const renewed = await me(session.value)
    expect(renewed.statusCode).toBe(200)
    expect(setCookieOf(renewed)).toMatchObject({
      name: COOKIE,
      value: session.value,
      maxAge: 604_800,
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
      path: '/',
    })
    const renewedAt = server.clock.now()
    expect(Number((await sessionRows(server))[0]!.expires_at)).toBe(renewedAt + 7 * DAY)

    // Past the first 7 days: only the renewal keeps the cookie alive.
    server.clock.set(start + 7 * DAY + HOUR)
    expect((await me(session.value)).statusCode).toBe(200)
  })

  it('behavior: an unused renewed cookie still expires 7 days after its last renewal', async () => {
    const session = await cookieSession(server.app, newWallet(), server.clock.now())
    server.clock.advance(2 * HOUR)
    expect(setCookieOf(await me(session.value))?.maxAge).toBe(604_800)
    server.clock.advance(7 * DAY - SECOND)
    expect((await me(session.value)).statusCode).toBe(200)
    // That use renewed again: the next expiry is 7 days after it.
    server.clock.advance(7 * DAY)
    expect((await me(session.value)).json().code).toBe('TOKEN_EXPIRED')
  })

  it('behavior: renewal happens at most once an hour', async () => {
    const session = await cookieSession(server.app, newWallet(), server.clock.now())
    server.clock.advance(2 * HOUR)
    expect(setCookieOf(await me(session.value))).toBeDefined()
    for (const step of [SECOND, 2 * MINUTE, 20 * MINUTE]) {
      server.clock.advance(step)
      const again = await me(session.value)
      expect(again.statusCode).toBe(200)
      expect(setCookieOf(again)).toBeUndefined()
    }
  })

  it('parameters: renewal stops at the absolute cap (sessionMaxAgeSeconds from sign-in): Max-Age shrinks, then 401', async () => {
    const capped = await startTestServer({ sessionCookieSliding: true, sessionMaxAgeSeconds: 10 * 86_400 })
    try {
      const start = capped.clock.now()
      const session = await cookieSession(capped.app, newWallet(), start)
      const use = () => withCookie(capped.app, session.value, { method: 'GET', url: '/v1/auth/me' })
      expect(setCookieOf(session.response)?.maxAge).toBe(7 * 86_400)

      capped.clock.set(start + 2 * HOUR)
      expect(setCookieOf(await use())?.maxAge).toBe(7 * 86_400)

      capped.clock.set(start + 6 * DAY)
      expect(setCookieOf(await use())?.maxAge).toBe(4 * 86_400)

      // The day-6 renewal already reaches the cap: nothing left to extend, so no new cookie.
      capped.clock.set(start + 9 * DAY)
      expect(setCookieOf(await use())).toBeUndefined()
      expect(Number((await sessionRows(capped))[0]!.expires_at)).toBe(start + 10 * DAY)

      capped.clock.set(start + 10 * DAY - SECOND)
      expect((await use()).statusCode).toBe(200)
      capped.clock.set(start + 10 * DAY)
      const expired = await use()
      expect(expired.statusCode).toBe(401)
      expect(expired.json().code).toBe('TOKEN_EXPIRED')
    } finally {
      await capped.close()
    }
  })

  // Regression: renewal was once throttled by time since last *use*, so a cookie used at least
  // hourly never slid and its user was signed out after 7 days.
  it('behavior: a cookie used every 30 minutes keeps sliding past its first 7 days', async () => {
    const start = server.clock.now()
    const session = await cookieSession(server.app, newWallet(), start)
    let renewals = 0
    const refused: number[] = []
    while (server.clock.now() < start + 7 * DAY + 2 * HOUR) {
      server.clock.advance(30 * MINUTE)
      const used = await me(session.value)
      if (used.statusCode !== 200) refused.push(server.clock.now() - start)
      if (setCookieOf(used)) renewals++
    }
    expect(refused).toEqual([])
    expect(renewals).toBeGreaterThan(0)
  })
})

describe('plain http (local development): the documented fallback cookie', () => {
  const PUBLIC_URL = 'http://localhost:8080'
  const fields = { scheme: 'http', domain: 'localhost:8080', uri: PUBLIC_URL }
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer({ publicUrl: PUBLIC_URL })
  })
  afterEach(() => server.close())

  it('default: named sigil_session, without Secure (browsers drop Secure cookies over http), still HttpOnly and Lax', async () => {
    const response = await signInWithCookie(server.app, newWallet(), server.clock.now(), {
      fields,
      headers: { origin: PUBLIC_URL },
    })
    expect(response.statusCode).toBe(200)
    expect(setCookieOf(response, COOKIE)).toBeUndefined()
    const cookie = setCookieOf(response, 'sigil_session')!
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 604_800 })
    expect(cookie.secure).toBeFalsy()
    expect(rawSetCookie(response, 'sigil_session')).not.toMatch(/Secure/i)
    expect(cookie.value).toMatch(COOKIE_SHAPE)

    const me = await withCookie(
      server.app,
      cookie.value,
      { method: 'GET', url: '/v1/auth/me' },
      'sigil_session',
    )
    expect(me.statusCode).toBe(200)
    expect(me.json().credential).toBe('cookie')
  })

  it('behavior: the CSRF check uses the http origin; the __Host- name means nothing here', async () => {
    const session = await cookieSession(
      server.app,
      newWallet(),
      server.clock.now(),
      { fields },
      'sigil_session',
    )
    const post = (cookies: Record<string, string>, origin: string) =>
      server.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: { origin }, cookies })

    const prefixed = await post({ [COOKIE]: session.value }, PUBLIC_URL)
    expect(prefixed.statusCode).toBe(401)
    expect(prefixed.json().code).toBe('CREDENTIAL_MISSING')

    const https = await post({ sigil_session: session.value }, TEST_PUBLIC_URL)
    expect(https.statusCode).toBe(403)
    expect(https.json().code).toBe('CSRF_REJECTED')

    const ok = await post({ sigil_session: session.value }, PUBLIC_URL)
    expect(ok.statusCode).toBe(204)
    const cleared = setCookieOf(ok, 'sigil_session')!
    expect(cleared).toMatchObject({ value: '', maxAge: 0, path: '/' })
    expect(cleared.secure).toBeFalsy()
  })
})
