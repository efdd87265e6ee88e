import type { Kysely } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Stores } from '../src/core/ports.js'
import { openSuccessor } from '../src/core/sessions/successor-seal.js'
import type { Database } from '../src/store/sql/schema.js'
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

    server.clock.advance(10_001) // past refreshReuseIntervalSeconds (10)
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

  it('behavior: with refreshReuseIntervalSeconds 0, of 10 concurrent presentations at most one rotates, and reuse kills the family', async () => {
    const strict = await startTestServer({ refreshReuseIntervalSeconds: 0 })
    try {
      const post = (refreshToken: string) =>
        strict.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } })
      const first = (await signIn(strict.app, newWallet(), strict.clock.now())).json()
      const responses = await Promise.all(Array.from({ length: 10 }, () => post(first.refreshToken)))
      const ok = responses.filter((r) => r.statusCode === 200)
      expect(ok.length).toBeLessThanOrEqual(1)
      expect(responses.some((r) => r.json().code === 'REFRESH_TOKEN_REUSED')).toBe(true)
      for (const r of ok) expect((await post(r.json().refreshToken)).statusCode).toBe(401)
      // And no sealed successor is kept at all.
      const db = (strict.stores as Stores & { db: Kysely<Database> }).db
      const sealed = await db
        .selectFrom('refresh_tokens')
        .select('id')
        .where('successor_sealed', 'is not', null)
        .execute()
      expect(sealed).toEqual([])
    } finally {
      await strict.close()
    }
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

describe('POST /v1/auth/refresh: two tabs refreshing at once (refreshReuseIntervalSeconds, default 10)', () => {
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
  const db = () => (server.stores as Stores & { db: Kysely<Database> }).db
  const familyOf = (sessionId: string) =>
    db().selectFrom('refresh_tokens').selectAll().where('session_id', '=', sessionId).execute()

  it('behavior: concurrent refreshes with one token all succeed with the same refresh token; one new family member', async () => {
    const first = (await signIn(server.app, newWallet(), server.clock.now())).json()
    const responses = await Promise.all(Array.from({ length: 6 }, () => refresh(first.refreshToken)))
    expect(responses.map((r) => r.statusCode)).toEqual(Array(6).fill(200))
    const pairs = responses.map((r) => r.json())
    expect(new Set(pairs.map((p) => p.refreshToken)).size).toBe(1)
    for (const pair of pairs) expect((await me(pair.accessToken)).statusCode).toBe(200)
    const family = await familyOf((await me(pairs[0].accessToken)).json().sessionId)
    expect(family).toHaveLength(2) // the first token and its one successor
  })

  it('behavior: a replay within the interval returns the same successor, revokes nothing, and the successor still rotates', async () => {
    const first = (await signIn(server.app, newWallet(), server.clock.now())).json()
    const second = (await refresh(first.refreshToken)).json()
    server.clock.advance(9_000)
    const replay = await refresh(first.refreshToken)
    expect(replay.statusCode).toBe(200)
    expect(replay.json().refreshToken).toBe(second.refreshToken)
    expect(replay.json().refreshExpiresIn).toBeLessThanOrEqual(second.refreshExpiresIn)
    expect((await me(replay.json().accessToken)).statusCode).toBe(200)
    expect((await me(first.accessToken)).statusCode).toBe(200) // nothing revoked
    const third = await refresh(second.refreshToken)
    expect(third.statusCode).toBe(200)
    expect(third.json().refreshToken).not.toBe(second.refreshToken)
  })

  it('error: presented again after the interval, the rotated token revokes the family (REFRESH_TOKEN_REUSED)', async () => {
    const first = (await signIn(server.app, newWallet(), server.clock.now())).json()
    const second = (await refresh(first.refreshToken)).json()
    expect((await refresh(first.refreshToken)).statusCode).toBe(200) // within: fine
    server.clock.advance(10_001)
    const reuse = await refresh(first.refreshToken)
    expect([reuse.statusCode, reuse.json().code]).toEqual([401, 'REFRESH_TOKEN_REUSED'])
    expect((await refresh(second.refreshToken)).json().code).toBe('SESSION_REVOKED')
    expect((await me(second.accessToken)).json().code).toBe('SESSION_REVOKED')
  })

  it('attack: a replay after the successor itself was rotated is reuse, and the sealed successor is gone after the sweep', async () => {
    const first = (await signIn(server.app, newWallet(), server.clock.now())).json()
    const second = (await refresh(first.refreshToken)).json()
    // The sweep drops the sealed successor once the interval is over: the old token opens nothing then.
    server.clock.advance(10_001)
    await server.gateway.tick()
    const sealed = await db()
      .selectFrom('refresh_tokens')
      .select('id')
      .where('successor_sealed', 'is not', null)
      .execute()
    expect(sealed).toEqual([])
    // Within the interval of the successor's own rotation, a replay of a token two links back is reuse.
    await refresh(second.refreshToken)
    const replay = await refresh(first.refreshToken)
    expect(replay.json().code).toBe('REFRESH_TOKEN_REUSED')
  })

  it('attack: the stored sealed successor does not open without the old token (a database reader gets nothing)', async () => {
    const first = (await signIn(server.app, newWallet(), server.clock.now())).json()
    const second = (await refresh(first.refreshToken)).json()
    const [id] = first.refreshToken.split('.')
    const row = await db()
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    const sealed = new Uint8Array(row.successor_sealed!)
    expect(Buffer.from(sealed).toString('latin1')).not.toContain(second.refreshToken.split('.')[1])
    expect(openSuccessor({ id, secret: 'A'.repeat(43) }, sealed)).toBeUndefined()
    expect(
      openSuccessor({ id: 'x'.repeat(16), secret: first.refreshToken.split('.')[1] }, sealed),
    ).toBeUndefined()
    expect(openSuccessor({ id, secret: first.refreshToken.split('.')[1] }, sealed)).toBe(second.refreshToken)
    // A wrong secret with the right id is still only "invalid" and leaves the family alone.
    expect((await refresh(`${id}.${'A'.repeat(43)}`)).json().code).toBe('REFRESH_TOKEN_INVALID')
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
