import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet, signIn } from './support/wallet.js'

describe('POST /v1/auth/refresh: rotation and reuse detection', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  const refresh = (refreshToken: string) =>
    server.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } })
  const me = (accessToken: string) =>
    server.app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${accessToken}` },
    })

  it('default: a refresh token buys a new pair once; the new refresh token rotates again', async () => {
    const first = (await signIn(server.app, newWallet(), server.clock.now())).json()
    server.clock.advance(60_000)
    const second = await refresh(first.refreshToken)
    expect(second.statusCode).toBe(200)
    expect(second.headers['cache-control']).toBe('no-store')
    const pair = second.json()
    expect(pair.refreshToken).not.toBe(first.refreshToken)
    expect(pair.account).toEqual(first.account)
    expect((await me(pair.accessToken)).statusCode).toBe(200)
    expect((await refresh(pair.refreshToken)).statusCode).toBe(200)
  })

  it('error: reusing a superseded refresh token revokes the whole family and its access tokens', async () => {
    const first = (await signIn(server.app, newWallet(), server.clock.now())).json()
    const second = (await refresh(first.refreshToken)).json()

    const reuse = await refresh(first.refreshToken)
    expect(reuse.statusCode).toBe(401)
    expect(reuse.json().code).toBe('REFRESH_TOKEN_REUSED')

    // The legitimate descendant is dead too, and so is every access token of the session, at once.
    const descendant = await refresh(second.refreshToken)
    expect(descendant.statusCode).toBe(401)
    expect(descendant.json().code).toBe('SESSION_REVOKED')
    expect((await me(second.accessToken)).json().code).toBe('SESSION_REVOKED')
    expect((await me(first.accessToken)).json().code).toBe('SESSION_REVOKED')
  })

  it('behavior: of 10 concurrent presentations of one refresh token at most one rotates, and reuse kills the family', async () => {
    const first = (await signIn(server.app, newWallet(), server.clock.now())).json()
    const responses = await Promise.all(Array.from({ length: 10 }, () => refresh(first.refreshToken)))
    const ok = responses.filter((r) => r.statusCode === 200)
    expect(ok.length).toBeLessThanOrEqual(1)
    expect(responses.some((r) => r.json().code === 'REFRESH_TOKEN_REUSED')).toBe(true)
    for (const r of ok) expect((await refresh(r.json().refreshToken)).statusCode).toBe(401)
  })

  it('error: a wrong secret with a right id is invalid and does not revoke the family', async () => {
    const first = (await signIn(server.app, newWallet(), server.clock.now())).json()
    const [id] = first.refreshToken.split('.')
    const forged = await refresh(`${id}.${'A'.repeat(43)}`)
    expect(forged.statusCode).toBe(401)
    expect(forged.json().code).toBe('REFRESH_TOKEN_INVALID')
    expect((await refresh(first.refreshToken)).statusCode).toBe(200)
  })

  it('error: an access token presented as a refresh token, and garbage', async () => {
    const first = (await signIn(server.app, newWallet(), server.clock.now())).json()
    for (const token of [first.accessToken, 'x', `${first.refreshToken}x`]) {
      const response = await refresh(token)
      expect(response.statusCode).toBe(401)
      expect(response.json().code).toBe('REFRESH_TOKEN_INVALID')
    }
  })

  it('error: a refresh token past its idle lifetime', async () => {
    const first = (await signIn(server.app, newWallet(), server.clock.now())).json()
    server.clock.advance(30 * 24 * 3600 * 1000)
    const response = await refresh(first.refreshToken)
    expect(response.json().code).toBe('REFRESH_TOKEN_EXPIRED')
  })

  it('error: a session past its absolute lifetime cannot be refreshed, however recently it was used', async () => {
    const short = await startTestServer({ sessionMaxAgeSeconds: 3600 })
    try {
      let token = (await signIn(short.app, newWallet(), short.clock.now())).json().refreshToken
      for (let i = 0; i < 3; i++) {
        short.clock.advance(1300 * 1000)
        const next = await short.app.inject({
          method: 'POST',
          url: '/v1/auth/refresh',
          payload: { refreshToken: token },
        })
        if (i < 2) token = next.json().refreshToken
        else expect(next.json().code).toBe('REFRESH_TOKEN_EXPIRED')
      }
    } finally {
      await short.close()
    }
  })
})

describe('POST /v1/auth/logout and /logout-all', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  const post = (url: string, accessToken: string) =>
    server.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${accessToken}` } })
  const me = (accessToken: string) =>
    server.app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${accessToken}` },
    })

  it('default: logout revokes this session at once (access and refresh), not the others', async () => {
    const wallet = newWallet()
    const a = (await signIn(server.app, wallet, server.clock.now())).json()
    const b = (await signIn(server.app, wallet, server.clock.now())).json()
    expect((await post('/v1/auth/logout', a.accessToken)).statusCode).toBe(204)
    expect((await me(a.accessToken)).json().code).toBe('SESSION_REVOKED')
    const refreshA = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: a.refreshToken },
    })
    expect(refreshA.json().code).toBe('SESSION_REVOKED')
    expect((await me(b.accessToken)).statusCode).toBe(200)
  })

  it('default: logout-all revokes every session of the account, and only of that account', async () => {
    const wallet = newWallet()
    const a = (await signIn(server.app, wallet, server.clock.now())).json()
    const b = (await signIn(server.app, wallet, server.clock.now())).json()
    const stranger = (await signIn(server.app, newWallet(), server.clock.now())).json()
    expect((await post('/v1/auth/logout-all', b.accessToken)).statusCode).toBe(204)
    expect((await me(a.accessToken)).json().code).toBe('SESSION_REVOKED')
    expect((await me(b.accessToken)).json().code).toBe('SESSION_REVOKED')
    expect((await me(stranger.accessToken)).statusCode).toBe(200)
  })

  it('behavior: a revocation survives a restart of the process (revocation list restored from the store)', async () => {
    const a = (await signIn(server.app, newWallet(), server.clock.now())).json()
    await post('/v1/auth/logout', a.accessToken)
    // A second gateway over the same stores, as a restarted process would open them.
    const restarted = await startTestServer({}, { stores: server.stores, clock: server.clock })
    try {
      await expect(restarted.gateway.authenticateAccessToken(a.accessToken)).rejects.toMatchObject({
        code: 'SESSION_REVOKED',
      })
    } finally {
      await restarted.app.close() // not close(): the stores are the first server's, closed by it
    }
  })
})
