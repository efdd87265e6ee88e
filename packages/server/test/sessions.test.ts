import type { PrivateKeyAccount } from 'viem/accounts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  COOKIE,
  cookieSession,
  SAME_ORIGIN,
  setCookieOf,
  sidOf,
  withCookie,
} from './support/cookie-session.js'
import { expectProblem } from './support/problem.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { getNonce, newWallet, signedSiwe, signIn } from './support/wallet.js'

const MINUTE = 60_000
const DAY = 86_400_000

interface Tokens {
  accessToken: string
  refreshToken: string
  account: { id: string }
}
interface ListedSession {
  id: string
  kind: 'cookie' | 'token'
  current: boolean
  createdAt: string
  lastUsedAt: string
  expiresAt: string
  ip?: string
  userAgent?: string
}

/** One account signed in twice: a browser (cookie) and an app (tokens). */
describe('/v1/auth/sessions and logout: cookie and token sign-ins alike', () => {
  let server: TestServer
  let wallet: PrivateKeyAccount
  let cookie: { value: string; sessionId: string; account: { id: string } }
  let tokens: Tokens
  let t0: number
  beforeEach(async () => {
    server = await startTestServer()
    wallet = newWallet()
    t0 = server.clock.now()
    tokens = (await signInAs(wallet, 'App/2.0')).json()
    server.clock.advance(1000)
    cookie = await cookieSession(server.app, wallet, server.clock.now(), {
      headers: { ...SAME_ORIGIN, 'user-agent': 'Browser/1.0' },
    })
  })
  afterEach(() => server.close())

  const signInAs = async (who: PrivateKeyAccount, userAgent: string) => {
    const nonce = await getNonce(server.app)
    const { message, signature } = await signedSiwe(who, { nonce }, server.clock.now())
    return server.app.inject({
      method: 'POST',
      url: '/v1/auth/siwe',
      headers: { 'user-agent': userAgent },
      payload: { message, signature },
    })
  }
  const bearer = (accessToken = tokens.accessToken) => ({ authorization: `Bearer ${accessToken}` })
  const listByCookie = (value = cookie.value) =>
    withCookie(server.app, value, { method: 'GET', url: '/v1/auth/sessions' })
  const listByBearer = (accessToken = tokens.accessToken) =>
    server.app.inject({ method: 'GET', url: '/v1/auth/sessions', headers: bearer(accessToken) })
  const sessionsOf = async (response: Promise<{ statusCode: number; json(): unknown }>) => {
    const r = await response
    expect(r.statusCode).toBe(200)
    return (r.json() as { sessions: ListedSession[] }).sessions
  }
  const ids = (sessions: ListedSession[]) => sessions.map((s) => s.id).sort()
  const meByCookie = (value = cookie.value) =>
    withCookie(server.app, value, { method: 'GET', url: '/v1/auth/me' })
  const meByBearer = (accessToken = tokens.accessToken) =>
    server.app.inject({ method: 'GET', url: '/v1/auth/me', headers: bearer(accessToken) })
  const refresh = (refreshToken = tokens.refreshToken) =>
    server.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } })
  const deleteByCookie = (id: string, value = cookie.value) =>
    withCookie(server.app, value, { method: 'DELETE', url: `/v1/auth/sessions/${id}`, headers: SAME_ORIGIN })
  const deleteByBearer = (id: string, accessToken = tokens.accessToken) =>
    server.app.inject({ method: 'DELETE', url: `/v1/auth/sessions/${id}`, headers: bearer(accessToken) })

  describe('GET /v1/auth/sessions', () => {
    it('default: both sign-ins, with id (the JWT sid / cookie id), kind, current, times, IP and user agent', async () => {
      const sessions = await sessionsOf(listByCookie())
      expect(sessions).toHaveLength(2)
      const byKind = Object.fromEntries(sessions.map((s) => [s.kind, s]))
      expect(byKind.cookie).toEqual({
        id: cookie.sessionId,
        kind: 'cookie',
        current: true,
        createdAt: new Date(t0 + 1000).toISOString(),
        lastUsedAt: new Date(t0 + 1000).toISOString(),
        expiresAt: new Date(t0 + 1000 + 7 * DAY).toISOString(),
        ip: '127.0.0.1',
        userAgent: 'Browser/1.0',
      })
      expect(byKind.token).toEqual({
        id: sidOf(tokens.accessToken),
        kind: 'token',
        current: false,
        createdAt: new Date(t0).toISOString(),
        lastUsedAt: new Date(t0).toISOString(),
        expiresAt: new Date(t0 + 90 * DAY).toISOString(),
        ip: '127.0.0.1',
        userAgent: 'App/2.0',
      })
      expect(cookie.value.split('.')[0]).toBe(cookie.sessionId)
    })

    it('behavior: "current" follows the credential of the request', async () => {
      const viaBearer = await sessionsOf(listByBearer())
      expect(viaBearer.filter((s) => s.current).map((s) => s.id)).toEqual([sidOf(tokens.accessToken)])
      const viaCookie = await sessionsOf(listByCookie())
      expect(viaCookie.filter((s) => s.current).map((s) => s.id)).toEqual([cookie.sessionId])
    })

    it('behavior: only this account: another wallet sees its own sessions, never these', async () => {
      const other = await cookieSession(server.app, newWallet(), server.clock.now())
      const theirs = await sessionsOf(listByCookie(other.value))
      expect(ids(theirs)).toEqual([other.sessionId])
      const ours = await sessionsOf(listByCookie())
      expect(ids(ours)).not.toContain(other.sessionId)
    })

    it('behavior: the list holds no secret (neither the cookie secret nor a refresh token)', async () => {
      const body = (await listByCookie()).body
      expect(body).not.toContain(cookie.value.split('.')[1])
      expect(body).not.toContain(tokens.refreshToken.split('.')[1])
      expect(body).not.toContain(tokens.refreshToken.split('.')[0])
    })

    it('behavior: last used moves with cookie use and with refresh', async () => {
      server.clock.advance(5 * MINUTE)
      expect((await meByCookie()).statusCode).toBe(200)
      server.clock.advance(5 * MINUTE)
      const refreshed = await refresh()
      expect(refreshed.statusCode).toBe(200)
      // Listed with the new access token: a cookie-authenticated list would itself be a use.
      const sessions = await sessionsOf(listByBearer(refreshed.json().accessToken))
      const byKind = Object.fromEntries(sessions.map((s) => [s.kind, s]))
      expect(byKind.cookie!.lastUsedAt).toBe(new Date(t0 + 1000 + 5 * MINUTE).toISOString())
      expect(byKind.token!.lastUsedAt).toBe(new Date(t0 + 1000 + 10 * MINUTE).toISOString())
    })

    it('behavior: an expired cookie session leaves the list; the token session stays', async () => {
      server.clock.advance(7 * DAY + 1000)
      const fresh: Tokens = (await refresh()).json()
      const sessions = await sessionsOf(listByBearer(fresh.accessToken))
      expect(sessions.map((s) => s.kind)).toEqual(['token'])
    })

    it('error: an API key cannot list sessions', async () => {
      const created = await server.app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers: bearer(),
        payload: { name: 'bot', scope: 'trade' },
      })
      const response = await server.app.inject({
        method: 'GET',
        url: '/v1/auth/sessions',
        headers: { 'x-api-key': created.json().secret },
      })
      expectProblem(response, 403, 'SCOPE_MISSING')
    })
  })

  describe('DELETE /v1/auth/sessions/:id', () => {
    it('behavior: from the cookie, ending the token session kills its access and refresh tokens', async () => {
      const sid = sidOf(tokens.accessToken)
      const response = await deleteByCookie(sid)
      expect(response.statusCode).toBe(204)
      expectProblem(await meByBearer(), 401, 'SESSION_REVOKED')
      expectProblem(await refresh(), 401, 'SESSION_REVOKED')
      expect(ids(await sessionsOf(listByCookie()))).toEqual([cookie.sessionId])
      expect((await meByCookie()).statusCode).toBe(200)
    })

    it('behavior: from a token, ending the cookie session kills the cookie', async () => {
      const response = await deleteByBearer(cookie.sessionId)
      expect(response.statusCode).toBe(204)
      expectProblem(await meByCookie(), 401, 'SESSION_REVOKED')
      expect(ids(await sessionsOf(listByBearer()))).toEqual([sidOf(tokens.accessToken)])
      expect((await meByBearer()).statusCode).toBe(200)
    })

    it('behavior: ending the current cookie session from itself', async () => {
      expect((await deleteByCookie(cookie.sessionId)).statusCode).toBe(204)
      expectProblem(await meByCookie(), 401, 'SESSION_REVOKED')
    })

    it("error: another account's session id is SESSION_NOT_FOUND, and that session lives on", async () => {
      const otherWallet = newWallet()
      const otherCookie = await cookieSession(server.app, otherWallet, server.clock.now())
      const otherTokens: Tokens = (await signIn(server.app, otherWallet, server.clock.now())).json()
      for (const id of [otherCookie.sessionId, sidOf(otherTokens.accessToken)]) {
        expectProblem(await deleteByCookie(id), 404, 'SESSION_NOT_FOUND')
        expectProblem(await deleteByBearer(id), 404, 'SESSION_NOT_FOUND')
      }
      expect((await meByCookie(otherCookie.value)).statusCode).toBe(200)
      expect((await meByBearer(otherTokens.accessToken)).statusCode).toBe(200)
      expect((await refresh(otherTokens.refreshToken)).statusCode).toBe(200)
    })

    it('error: an unknown id, or one already ended, is SESSION_NOT_FOUND', async () => {
      expectProblem(await deleteByCookie('no-such-session'), 404, 'SESSION_NOT_FOUND')
      const sid = sidOf(tokens.accessToken)
      expect((await deleteByCookie(sid)).statusCode).toBe(204)
      expectProblem(await deleteByCookie(sid), 404, 'SESSION_NOT_FOUND')
    })

    it('error: the same answer for a foreign id as for an unknown one (ids cannot be probed)', async () => {
      const other = await cookieSession(server.app, newWallet(), server.clock.now())
      const foreign = await deleteByBearer(other.sessionId)
      const unknown = await deleteByBearer('AAAAAAAAAAAAAAAA')
      expect(foreign.statusCode).toBe(unknown.statusCode)
      expect(foreign.json()).toEqual(unknown.json())
    })
  })

  describe('logout and logout-all', () => {
    it('behavior: logout with the cookie ends that session only and clears the cookie', async () => {
      const response = await withCookie(server.app, cookie.value, {
        method: 'POST',
        url: '/v1/auth/logout',
        headers: SAME_ORIGIN,
      })
      expect(response.statusCode).toBe(204)
      expect(setCookieOf(response)).toMatchObject({
        name: COOKIE,
        value: '',
        maxAge: 0,
        path: '/',
        secure: true,
        httpOnly: true,
        sameSite: 'Lax',
      })
      expectProblem(await meByCookie(), 401, 'SESSION_REVOKED')
      expect((await meByBearer()).statusCode).toBe(200)
      expect(ids(await sessionsOf(listByBearer()))).toEqual([sidOf(tokens.accessToken)])
    })

    it('behavior: logout with a token ends the token session only and sets no cookie', async () => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/v1/auth/logout',
        headers: bearer(),
      })
      expect(response.statusCode).toBe(204)
      expect(response.headers['set-cookie']).toBeUndefined()
      expectProblem(await meByBearer(), 401, 'SESSION_REVOKED')
      expectProblem(await refresh(), 401, 'SESSION_REVOKED')
      expect((await meByCookie()).statusCode).toBe(200)
    })

    it('behavior: logout-all with the cookie ends every session of the account, tokens included, and clears the cookie', async () => {
      const secondCookie = await cookieSession(server.app, wallet, server.clock.now())
      const bystander = await cookieSession(server.app, newWallet(), server.clock.now())
      const response = await withCookie(server.app, cookie.value, {
        method: 'POST',
        url: '/v1/auth/logout-all',
        headers: SAME_ORIGIN,
      })
      expect(response.statusCode).toBe(204)
      expect(setCookieOf(response)).toMatchObject({ value: '', maxAge: 0, path: '/' })

      expectProblem(await meByCookie(), 401, 'SESSION_REVOKED')
      expectProblem(await meByCookie(secondCookie.value), 401, 'SESSION_REVOKED')
      expectProblem(await meByBearer(), 401, 'SESSION_REVOKED')
      expectProblem(await refresh(), 401, 'SESSION_REVOKED')
      expect((await meByCookie(bystander.value)).statusCode).toBe(200)

      // A new sign-in sees only itself.
      const fresh = await cookieSession(server.app, wallet, server.clock.now())
      expect(ids(await sessionsOf(listByCookie(fresh.value)))).toEqual([fresh.sessionId])
    })

    it('behavior: logout-all with a token ends the cookie sessions too (no cookie to clear on that response)', async () => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/v1/auth/logout-all',
        headers: bearer(),
      })
      expect(response.statusCode).toBe(204)
      expect(response.headers['set-cookie']).toBeUndefined()
      expectProblem(await meByCookie(), 401, 'SESSION_REVOKED')
      expectProblem(await meByBearer(), 401, 'SESSION_REVOKED')
    })
  })
})
