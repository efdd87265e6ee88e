import type { FastifyInstance } from 'fastify'
import { createSiweMessage } from 'viem/siwe'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { rawSetCookie } from './support/cookie-session.js'
import { cookieJar, OCX_COOKIE } from './support/ocx-client.js'
import { startTestServer, TEST_PUBLIC_URL, type TestServer } from './support/test-server.js'
import { newWallet, personalSign } from './support/wallet.js'

/**
 * OCX's documented sequence, written the way an OCX web client writes it: fetch-like JSON calls
 * from the page's origin, a cookie jar that keeps Set-Cookie and sends it back, viem to build and
 * sign the SIWE message. Nothing here knows it is talking to Sigil.
 */
describe('OCX acceptance: nonce, SIWE, me, API keys, logout', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  /** `fetch(url, { method, credentials: 'include', body: JSON.stringify(body) })` from our page. */
  function browser(app: FastifyInstance) {
    const jar = cookieJar()
    return async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => {
      const cookie = jar.header()
      const response = await app.inject({
        method,
        url: `/ocx${path}`,
        headers: { origin: TEST_PUBLIC_URL, ...(cookie ? { cookie } : {}) },
        ...(body === undefined ? {} : { payload: body as object }),
      })
      return jar.store(response)
    }
  }

  it('behavior: the whole documented flow works, and the session and key are ordinary Sigil credentials', async () => {
    const api = browser(server.app)
    const account = newWallet()
    const now = server.clock.now()

    // 1. A nonce for this wallet.
    const nonceResponse = await api('POST', '/auth/nonce', { walletAddress: account.address })
    expect(nonceResponse.statusCode).toBe(200)
    expect(Object.keys(nonceResponse.json())).toEqual(['nonce'])
    const { nonce } = nonceResponse.json()

    // 2. The message, as OCX's docs build it, with an expiration inside the window.
    const url = new URL(TEST_PUBLIC_URL)
    const message = createSiweMessage({
      domain: url.host,
      uri: url.origin,
      address: account.address,
      statement: 'Sign in to OCX to continue.',
      version: '1',
      chainId: 84532,
      nonce,
      issuedAt: new Date(now),
      expirationTime: new Date(now + 10 * 60_000),
    })
    const signature = await personalSign(account, message)

    // 3. Verify: the body names the user, the cookie carries the session.
    const verify = await api('POST', '/auth/siwe', { message, signature })
    expect(verify.statusCode).toBe(200)
    const user = verify.json()
    expect(user).toEqual({ userId: expect.any(String), walletAddress: account.address })
    const setCookie = rawSetCookie(verify, OCX_COOKIE)!
    expect(setCookie.split('; ').slice(1).sort()).toEqual(
      ['HttpOnly', 'Max-Age=604800', 'Path=/', 'SameSite=None', 'Secure'].sort(),
    )
    expect(verify.headers['cache-control']).toBe('no-store')

    // 4. Who am I.
    expect((await api('GET', '/auth/me')).json()).toEqual(user)

    // 5. A trade key, shown once with OCX's warning.
    const created = await api('POST', '/perps/me/api-keys', { name: 'market maker', scope: 'trade' })
    expect(created.statusCode).toBe(201)
    const key = created.json()
    expect(key).toEqual({
      id: expect.stringMatching(/^ocx_kid_[0-9A-Za-z]{16}$/),
      secret: expect.stringMatching(/^ocx_sk_[0-9A-Za-z]{59}$/),
      message: 'Copy this secret now — it will not be shown again.',
    })

    // 6. The bot uses it (x-api-key, and Bearer as the older docs show) on the verify endpoint.
    const bot = (headers: Record<string, string>) =>
      server.app.inject({ method: 'GET', url: '/v1/verify/trade', headers })
    const withKey = await bot({ 'x-api-key': key.secret })
    expect(withKey.statusCode).toBe(200)
    expect(withKey.headers['x-sigil-account']).toBe(user.userId)
    expect(withKey.headers['x-sigil-scope']).toBe('read trade')
    expect((await bot({ authorization: `Bearer ${key.secret}` })).statusCode).toBe(200)

    // The OCX session works on the native API too: as the cookie, and as a Bearer header.
    const session = verify.cookies.find((c) => c.name === OCX_COOKIE)!.value
    const nativeMe = await server.app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${session}` },
    })
    expect(nativeMe.json()).toMatchObject({ account: { id: user.userId }, credential: 'session' })
    const viaCookie = await server.app.inject({
      method: 'GET',
      url: '/v1/verify/trade',
      cookies: { [OCX_COOKIE]: session },
    })
    expect([viaCookie.statusCode, viaCookie.headers['x-sigil-credential']]).toEqual([200, 'cookie'])
    const nativeList = await server.app.inject({
      method: 'GET',
      url: '/v1/api-keys',
      headers: { authorization: `Bearer ${session}` },
    })
    expect(nativeList.json().apiKeys.map((k: { id: string }) => `ocx_kid_${k.id}`)).toEqual([key.id])

    // 7. The list: metadata only, never the secret.
    const list = await api('GET', '/perps/me/api-keys')
    expect(list.statusCode).toBe(200)
    expect(list.json()).toEqual({
      keys: [
        {
          id: key.id,
          name: 'market maker',
          scope: 'trade',
          allowedIps: [],
          expiresAt: null,
          createdAt: new Date(now).toISOString(),
          revokedAt: null,
          lastUsedAt: new Date(now).toISOString(),
          lastUsedIp: '127.0.0.1',
          status: 'active',
        },
      ],
    })
    expect(list.body).not.toContain(key.secret.slice(7))

    // 8. Revoke: the key stops at once.
    expect((await api('DELETE', `/perps/me/api-keys/${key.id}`)).statusCode).toBe(204)
    const revoked = await bot({ 'x-api-key': key.secret })
    expect([revoked.statusCode, revoked.json().code]).toEqual([401, 'API_KEY_REVOKED'])
    expect((await api('GET', '/perps/me/api-keys')).json().keys[0].status).toBe('revoked')

    // 9. Logout: the cookie is cleared, the session is dead everywhere, /auth/me says null.
    const logout = await api('POST', '/auth/logout')
    expect(logout.statusCode).toBe(204)
    expect(rawSetCookie(logout, OCX_COOKIE)).toMatch(/^astra_session=;/)
    const me = await api('GET', '/auth/me')
    expect([me.statusCode, me.body]).toEqual([200, 'null'])
    const stale = await server.app.inject({
      method: 'GET',
      url: '/ocx/auth/me',
      cookies: { [OCX_COOKIE]: session },
    })
    expect([stale.statusCode, stale.json()]).toEqual([200, null])
    expect(
      (
        await server.app.inject({
          method: 'GET',
          url: '/v1/auth/me',
          headers: { authorization: `Bearer ${session}` },
        })
      ).statusCode,
    ).toBe(401)
  })
})
