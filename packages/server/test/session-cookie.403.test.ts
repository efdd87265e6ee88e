import type { PrivateKeyAccount } from 'viem/accounts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  COOKIE,
  cookieSession,
  EVIL_ORIGIN,
  forgedCookieValue,
  SAME_ORIGIN,
  sessionRows,
  setCookieOf,
  sidOf,
  signInWithCookie,
  withCookie,
} from './support/cookie-session.js'
import { expectProblem } from './support/problem.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet, signIn } from './support/wallet.js'

describe('CSRF: cookie-authenticated unsafe requests need an allowed Origin', () => {
  let server: TestServer
  let wallet: PrivateKeyAccount
  let cookie: string
  beforeEach(async () => {
    server = await startTestServer()
    wallet = newWallet()
    cookie = (await cookieSession(server.app, wallet, server.clock.now())).value
  })
  afterEach(() => server.close())

  const logout = (headers: Record<string, string>) =>
    withCookie(server.app, cookie, { method: 'POST', url: '/v1/auth/logout', headers })
  const me = () => withCookie(server.app, cookie, { method: 'GET', url: '/v1/auth/me' })

  it.each([
    'https://evil.example',
    'null',
    'http://app.example',
    'https://app.example:8443',
    'https://sub.app.example',
    'https://app.example.evil.example',
    'https://evil.example/https://app.example',
  ])('error: POST with a cookie and Origin %s is CSRF_REJECTED, and nothing is done', async (origin) => {
    const response = await logout({ origin })
    expectProblem(response, 403, 'CSRF_REJECTED')
    expect(setCookieOf(response)).toBeUndefined()
    expect((await me()).statusCode).toBe(200)
  })

  it('error: POST with a cookie and neither Origin nor Sec-Fetch-Site is CSRF_REJECTED', async () => {
    expectProblem(await logout({}), 403, 'CSRF_REJECTED')
    expect((await me()).statusCode).toBe(200)
  })

  it.each(['cross-site', 'same-site', 'none'])(
    'error: POST with a cookie, no Origin and Sec-Fetch-Site: %s is CSRF_REJECTED',
    async (site) => {
      expectProblem(await logout({ 'sec-fetch-site': site }), 403, 'CSRF_REJECTED')
      expect((await me()).statusCode).toBe(200)
    },
  )

  it('error: a foreign Origin is not laundered by Sec-Fetch-Site: same-origin', async () => {
    expectProblem(await logout({ ...EVIL_ORIGIN, 'sec-fetch-site': 'same-origin' }), 403, 'CSRF_REJECTED')
    expect((await me()).statusCode).toBe(200)
  })

  it('behavior: Sec-Fetch-Site: same-origin without Origin is accepted', async () => {
    expect((await logout({ 'sec-fetch-site': 'same-origin' })).statusCode).toBe(204)
    expectProblem(await me(), 401, 'SESSION_REVOKED')
  })

  it('behavior: the public URL origin is accepted', async () => {
    expect((await logout(SAME_ORIGIN)).statusCode).toBe(204)
    expectProblem(await me(), 401, 'SESSION_REVOKED')
  })

  it('error: every unsafe route refuses a cross-site cookie request and changes nothing', async () => {
    const token = (await signIn(server.app, wallet, server.clock.now())).json()
    const tokenSession = sidOf(token.accessToken)
    const send = (method: 'POST' | 'DELETE', url: string, payload?: object) =>
      withCookie(server.app, cookie, {
        method,
        url,
        headers: EVIL_ORIGIN,
        ...(payload ? { payload } : {}),
      })

    expectProblem(await send('POST', '/v1/api-keys', { name: 'x', scope: 'trade' }), 403, 'CSRF_REJECTED')
    expectProblem(await send('DELETE', `/v1/auth/sessions/${tokenSession}`), 403, 'CSRF_REJECTED')
    expectProblem(await send('POST', '/v1/auth/logout-all'), 403, 'CSRF_REJECTED')
    expectProblem(await send('POST', '/v1/auth/redeem-invite', { code: 'x' }), 403, 'CSRF_REJECTED')

    const keys = await withCookie(server.app, cookie, { method: 'GET', url: '/v1/api-keys' })
    expect(keys.json().apiKeys).toEqual([])
    const bearerMe = await server.app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${token.accessToken}` },
    })
    expect(bearerMe.statusCode).toBe(200)
    expect((await me()).statusCode).toBe(200)

    // The same requests from our own origin go through: the refusal was the CSRF check.
    const created = await withCookie(server.app, cookie, {
      method: 'POST',
      url: '/v1/api-keys',
      headers: SAME_ORIGIN,
      payload: { name: 'x', scope: 'trade' },
    })
    expect(created.statusCode).toBe(201)
  })

  it('behavior: safe methods are not subject to the check (a cross-site GET reads nothing it can see)', async () => {
    const response = await withCookie(server.app, cookie, {
      method: 'GET',
      url: '/v1/auth/me',
      headers: EVIL_ORIGIN,
    })
    expect(response.statusCode).toBe(200)
  })
})

describe('CSRF on /v1/verify: the proxied method decides', () => {
  let server: TestServer
  let cookie: string
  beforeEach(async () => {
    server = await startTestServer()
    cookie = (await cookieSession(server.app, newWallet(), server.clock.now())).value
  })
  afterEach(() => server.close())

  const verify = (path: 'read' | 'trade', headers: Record<string, string>) =>
    withCookie(server.app, cookie, { method: 'GET', url: `/v1/verify/${path}`, headers })

  it.each([
    ['x-forwarded-method', 'POST'],
    ['x-original-method', 'POST'],
    ['x-forwarded-method', 'PUT'],
    ['x-forwarded-method', 'PATCH'],
    ['x-original-method', 'DELETE'],
    ['x-forwarded-method', 'post'],
  ])(
    'error: %s: %s with a cookie from another origin, or from nowhere, is CSRF_REJECTED',
    async (header, method) => {
      for (const path of ['read', 'trade'] as const) {
        const foreign = await verify(path, { [header]: method, ...EVIL_ORIGIN })
        expectProblem(foreign, 403, 'CSRF_REJECTED')
        expect(foreign.headers['x-sigil-account']).toBeUndefined()
        expectProblem(await verify(path, { [header]: method }), 403, 'CSRF_REJECTED')
        expectProblem(
          await verify(path, { [header]: method, 'sec-fetch-site': 'cross-site' }),
          403,
          'CSRF_REJECTED',
        )
      }
    },
  )

  it.each([
    ['x-forwarded-method', 'POST'],
    ['x-original-method', 'POST'],
  ])(
    'behavior: %s: POST from our origin, or Sec-Fetch-Site: same-origin, is verified',
    async (header, method) => {
      for (const path of ['read', 'trade'] as const) {
        const ours = await verify(path, { [header]: method, ...SAME_ORIGIN })
        expect(ours.statusCode).toBe(200)
        expect(ours.headers['x-sigil-credential']).toBe('cookie')
        expect((await verify(path, { [header]: method, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(
          200,
        )
      }
    },
  )

  it.each([['GET'], ['HEAD'], ['OPTIONS']])(
    'behavior: a proxied safe method %s is verified whatever its origin',
    async (method) => {
      const response = await verify('read', { 'x-forwarded-method': method, ...EVIL_ORIGIN })
      expect(response.statusCode).toBe(200)
    },
  )

  it('error: without a proxied method the original may have been a POST: a cross-site browser request is refused', async () => {
    // nginx's auth_request sends no method unless configured to: assume the worst for cookies.
    expectProblem(await verify('read', EVIL_ORIGIN), 403, 'CSRF_REJECTED')
    expect((await verify('read', {})).statusCode).toBe(200)
  })
})

describe('CSRF exemption: a header credential is never subject to it, and wins over a cookie', () => {
  let server: TestServer
  let wallet: PrivateKeyAccount
  let cookie: { value: string; sessionId: string }
  let token: { accessToken: string; refreshToken: string }
  beforeEach(async () => {
    server = await startTestServer()
    wallet = newWallet()
    cookie = await cookieSession(server.app, wallet, server.clock.now())
    token = (await signIn(server.app, wallet, server.clock.now())).json()
  })
  afterEach(() => server.close())

  const bearer = () => ({ authorization: `Bearer ${token.accessToken}` })

  it('behavior: a Bearer POST from another origin is accepted', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { ...bearer(), ...EVIL_ORIGIN },
    })
    expect(response.statusCode).toBe(204)
  })

  it('behavior: Bearer and cookie together: the Bearer is the credential (CSRF-exempt), the cookie is untouched', async () => {
    const me = await withCookie(server.app, cookie.value, {
      method: 'GET',
      url: '/v1/auth/me',
      headers: bearer(),
    })
    expect(me.json()).toMatchObject({ credential: 'jwt', sessionId: sidOf(token.accessToken) })

    const logout = await withCookie(server.app, cookie.value, {
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { ...bearer(), ...EVIL_ORIGIN },
    })
    expect(logout.statusCode).toBe(204)
    expect(setCookieOf(logout)).toBeUndefined()
    expectProblem(
      await server.app.inject({ method: 'GET', url: '/v1/auth/me', headers: bearer() }),
      401,
      'SESSION_REVOKED',
    )
    const cookieMe = await withCookie(server.app, cookie.value, { method: 'GET', url: '/v1/auth/me' })
    expect(cookieMe.json()).toMatchObject({ credential: 'cookie', sessionId: cookie.sessionId })
  })

  it('error: a bad Bearer next to a good cookie is refused, with no fallback to the cookie', async () => {
    const response = await withCookie(server.app, cookie.value, {
      method: 'GET',
      url: '/v1/auth/me',
      headers: { authorization: 'Bearer not.a.token' },
    })
    expectProblem(response, 401, 'TOKEN_INVALID')
  })

  it('behavior: an API key with a cookie and a proxied cross-site POST verifies as the API key', async () => {
    const created = await server.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: bearer(),
      payload: { name: 'bot', scope: 'trade' },
    })
    expect(created.statusCode).toBe(201)
    const secret: string = created.json().secret
    for (const headers of [{ 'x-api-key': secret }, { authorization: `Bearer ${secret}` }]) {
      const response = await withCookie(server.app, cookie.value, {
        method: 'GET',
        url: '/v1/verify/trade',
        headers: { ...headers, 'x-forwarded-method': 'POST', ...EVIL_ORIGIN },
      })
      expect(response.statusCode).toBe(200)
      expect(response.headers['x-sigil-credential']).toBe('api_key')
      expect(response.headers['x-sigil-scope']).toBe('read trade')
    }
  })
})

describe('login CSRF: a cookie sign-in from another site', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  it.each([
    ['Origin: https://evil.example', EVIL_ORIGIN],
    ['Origin: null', { origin: 'null' }],
    ['Origin: http://app.example', { origin: 'http://app.example' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
    [
      'a foreign Origin with Sec-Fetch-Site: same-origin',
      { ...EVIL_ORIGIN, 'sec-fetch-site': 'same-origin' },
    ],
  ])('error: %s is refused with 403, and no cookie or session is created', async (_, headers) => {
    const response = await signInWithCookie(server.app, newWallet(), server.clock.now(), { headers })
    expectProblem(response, 403, 'CSRF_REJECTED')
    expect(response.headers['set-cookie']).toBeUndefined()
    expect(await sessionRows(server)).toEqual([])
  })
})

describe('session fixation: the server alone chooses the session id', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  const me = (value: string) => withCookie(server.app, value, { method: 'GET', url: '/v1/auth/me' })

  it.each([
    ['a made-up value', 'attackerid.secret'],
    ['a real-looking but unknown value', forgedCookieValue()],
  ])('error: %s planted before sign-in is replaced by a fresh id and stays worthless', async (_, planted) => {
    const response = await signInWithCookie(server.app, newWallet(), server.clock.now(), {
      cookies: { [COOKIE]: planted },
      headers: SAME_ORIGIN,
    })
    expect(response.statusCode).toBe(200)
    const issued = setCookieOf(response)!.value
    expect(issued).not.toBe(planted)
    expect(issued.split('.')[0]).not.toBe(planted.split('.')[0])
    expect(response.json().sessionId).toBe(issued.split('.')[0])
    expect((await sessionRows(server)).map((r) => r.id)).toEqual([issued.split('.')[0]])

    expectProblem(await me(planted), 401, 'TOKEN_INVALID')
    expect((await me(issued)).statusCode).toBe(200)
  })

  it("error: signing in while carrying the attacker's valid session cookie gives the victim a new id", async () => {
    const attacker = await cookieSession(server.app, newWallet(), server.clock.now())
    const victimWallet = newWallet()
    const response = await signInWithCookie(server.app, victimWallet, server.clock.now(), {
      cookies: { [COOKIE]: attacker.value },
      headers: SAME_ORIGIN,
    })
    expect(response.statusCode).toBe(200)
    const victim = setCookieOf(response)!.value
    expect(victim.split('.')[0]).not.toBe(attacker.sessionId)

    const victimMe = (await me(victim)).json()
    expect(victimMe.account.address).toBe(victimWallet.address)
    expect(victimMe.sessionId).not.toBe(attacker.sessionId)
    // The attacker's cookie still names only the attacker's account: nothing was attached to it.
    const attackerMe = (await me(attacker.value)).json()
    expect(attackerMe.account.id).toBe(attacker.account.id)
    expect(attackerMe.account.id).not.toBe(victimMe.account.id)
  })

  it('behavior: every sign-in of the same wallet issues a different id and secret', async () => {
    const wallet = newWallet()
    const first = await cookieSession(server.app, wallet, server.clock.now())
    const second = await cookieSession(server.app, wallet, server.clock.now(), {
      cookies: { [COOKIE]: first.value },
    })
    expect(second.account.id).toBe(first.account.id)
    const [firstId, firstSecret] = first.value.split('.')
    const [secondId, secondSecret] = second.value.split('.')
    expect(secondId).not.toBe(firstId)
    expect(secondSecret).not.toBe(firstSecret)
  })
})

describe('forged and foreign cookie values', () => {
  let server: TestServer
  let session: { value: string; sessionId: string }
  beforeEach(async () => {
    server = await startTestServer()
    session = await cookieSession(server.app, newWallet(), server.clock.now())
  })
  afterEach(() => server.close())

  const me = (cookies: Record<string, string>) =>
    server.app.inject({ method: 'GET', url: '/v1/auth/me', cookies })

  it('error: a forged secret with the right id is TOKEN_INVALID and does not revoke the session', async () => {
    const [id, secret] = session.value.split('.') as [string, string]
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`
    for (const forged of [forgedCookieValue(id), `${id}.${flipped}`]) {
      expectProblem(await me({ [COOKIE]: forged }), 401, 'TOKEN_INVALID')
    }
    const real = await me({ [COOKIE]: session.value })
    expect(real.statusCode).toBe(200)
    expect(real.json().sessionId).toBe(session.sessionId)
  })

  it.each([
    ['empty', ''],
    ['no dot', 'x'.repeat(60)],
    ['an extra part', () => `${session.value}.x`],
    ['a longer secret', () => `${session.value}A`],
    ['a shorter id', () => session.value.slice(1)],
  ])('error: a malformed value (%s) is TOKEN_INVALID', async (_, value) => {
    const presented = typeof value === 'function' ? value() : value
    expectProblem(await me({ [COOKIE]: presented }), 401, 'TOKEN_INVALID')
  })

  it('error: a refresh token presented as the session cookie is TOKEN_INVALID', async () => {
    const tokens = (await signIn(server.app, newWallet(), server.clock.now())).json()
    expectProblem(await me({ [COOKIE]: tokens.refreshToken }), 401, 'TOKEN_INVALID')
  })

  it('behavior: the session value sent as a Bearer header is that session, without cookie CSRF rules', async () => {
    // Venues such as OCX accept their session as `Authorization: Bearer`: a header no browser
    // attaches on its own, so a cross-site request cannot carry it.
    const bearer = { authorization: `Bearer ${session.value}` }
    const me = await server.app.inject({ method: 'GET', url: '/v1/auth/me', headers: bearer })
    expect(me.json()).toMatchObject({ credential: 'session', sessionId: session.value.split('.')[0] })
    const crossSite = await server.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { ...bearer, origin: 'https://evil.example' },
      payload: { name: 'k', scope: 'read' },
    })
    expect(crossSite.statusCode).toBe(201)
    const forged = `${session.value.split('.')[0]}.${'A'.repeat(43)}`
    expectProblem(
      await server.app.inject({
        method: 'GET',
        url: '/v1/auth/me',
        headers: { authorization: `Bearer ${forged}` },
      }),
      401,
      'TOKEN_INVALID',
    )
  })

  it('error: on https the cookie is read only under its __Host- name (a tossed sigil_session is ignored)', async () => {
    expectProblem(await me({ sigil_session: session.value }), 401, 'CREDENTIAL_MISSING')
  })

  it("error: a cookie issued by another deployment's database is unknown here", async () => {
    const other = await startTestServer()
    try {
      const response = await other.app.inject({
        method: 'GET',
        url: '/v1/auth/me',
        cookies: { [COOKIE]: session.value },
      })
      expectProblem(response, 401, 'TOKEN_INVALID')
    } finally {
      await other.close()
    }
  })
})

describe('revoked cookies are refused at once', () => {
  let server: TestServer
  let wallet: PrivateKeyAccount
  let cookie: string
  beforeEach(async () => {
    server = await startTestServer()
    wallet = newWallet()
    cookie = (await cookieSession(server.app, wallet, server.clock.now())).value
  })
  afterEach(() => server.close())

  const expectRevoked = async (value: string) => {
    for (const url of ['/v1/auth/me', '/v1/auth/sessions', '/v1/verify/read', '/v1/verify/trade']) {
      expectProblem(await withCookie(server.app, value, { method: 'GET', url }), 401, 'SESSION_REVOKED')
    }
    const post = await withCookie(server.app, value, {
      method: 'POST',
      url: '/v1/auth/logout',
      headers: SAME_ORIGIN,
    })
    expectProblem(post, 401, 'SESSION_REVOKED')
  }

  it('error: the cookie from before a logout', async () => {
    const response = await withCookie(server.app, cookie, {
      method: 'POST',
      url: '/v1/auth/logout',
      headers: SAME_ORIGIN,
    })
    expect(response.statusCode).toBe(204)
    await expectRevoked(cookie)
  })

  it('error: the cookie from before a logout-all made with a token of the same account', async () => {
    const token = (await signIn(server.app, wallet, server.clock.now())).json()
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/logout-all',
      headers: { authorization: `Bearer ${token.accessToken}` },
    })
    expect(response.statusCode).toBe(204)
    await expectRevoked(cookie)
  })

  it('error: the cookie from before a logout-all made with another cookie of the same account', async () => {
    const other = await cookieSession(server.app, wallet, server.clock.now())
    const response = await withCookie(server.app, other.value, {
      method: 'POST',
      url: '/v1/auth/logout-all',
      headers: SAME_ORIGIN,
    })
    expect(response.statusCode).toBe(204)
    await expectRevoked(cookie)
    await expectRevoked(other.value)
  })

  it('error: the cookie of a session deleted through DELETE /v1/auth/sessions/:id', async () => {
    const token = (await signIn(server.app, wallet, server.clock.now())).json()
    const id = cookie.split('.')[0]
    const response = await server.app.inject({
      method: 'DELETE',
      url: `/v1/auth/sessions/${id}`,
      headers: { authorization: `Bearer ${token.accessToken}` },
    })
    expect(response.statusCode).toBe(204)
    await expectRevoked(cookie)
  })

  it('error: a revoked cookie stays revoked after a restart over the same database', async () => {
    await withCookie(server.app, cookie, { method: 'POST', url: '/v1/auth/logout', headers: SAME_ORIGIN })
    const restarted = await startTestServer({}, { clock: server.clock, stores: server.stores })
    try {
      const response = await restarted.app.inject({
        method: 'GET',
        url: '/v1/auth/me',
        cookies: { [COOKIE]: cookie },
      })
      expectProblem(response, 401, 'SESSION_REVOKED')
    } finally {
      await restarted.app.close()
    }
  })

  it('behavior: after a logout the same wallet signs in again with a new, working cookie', async () => {
    await withCookie(server.app, cookie, { method: 'POST', url: '/v1/auth/logout', headers: SAME_ORIGIN })
    const next = await cookieSession(server.app, wallet, server.clock.now(), {
      cookies: { [COOKIE]: cookie },
    })
    expect(next.value).not.toBe(cookie)
    const me = await withCookie(server.app, next.value, { method: 'GET', url: '/v1/auth/me' })
    expect(me.statusCode).toBe(200)
  })
})
