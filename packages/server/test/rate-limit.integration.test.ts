import { afterEach, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/test-server.js'
import { getNonce, newWallet, signedSiwe, signIn } from './support/wallet.js'

/** Rate limits on Sigil's real routes (the plugin itself is unit-tested in rate-limit.test.ts). */
describe('rate limits on the real API', () => {
  let server: TestServer
  afterEach(() => server.close())

  const db = () =>
    (
      server.stores as unknown as {
        db: import('kysely').Kysely<import('../src/store/sql/schema.js').Database>
      }
    ).db
  const challengeCount = async () => (await db().selectFrom('challenges').select('nonce').execute()).length

  it('default: sign-in routes carry both header families and a 429 mints no nonce', async () => {
    server = await startTestServer({ rateLimitSignInPerMinute: 3 })
    const first = await server.app.inject({ method: 'POST', url: '/v1/auth/nonce', payload: {} })
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '3',
      'x-ratelimit-remaining': '2',
      'ratelimit-policy': '"sign-in";q=3;w=60',
    })
    expect(first.headers.ratelimit).toMatch(/^"sign-in";r=2;t=\d+$/)
    await getNonce(server.app)
    await getNonce(server.app)
    const denied = await server.app.inject({ method: 'POST', url: '/v1/auth/nonce', payload: {} })
    expect(denied.statusCode).toBe(429)
    expect(denied.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 })
    expect(Number(denied.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(await challengeCount()).toBe(3)
  })

  it('behavior: a 429 on /siwe does no signature work and leaves the nonce unused', async () => {
    server = await startTestServer({ rateLimitSignInPerMinute: 2 })
    const wallet = newWallet()
    const nonce = await getNonce(server.app)
    const { message, signature } = await signedSiwe(wallet, { nonce }, server.clock.now())
    await server.app.inject({ method: 'POST', url: '/v1/auth/nonce', payload: {} })
    const denied = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/siwe',
      payload: { message, signature },
    })
    expect(denied.statusCode).toBe(429)
    const row = await db()
      .selectFrom('challenges')
      .selectAll()
      .where('nonce', '=', nonce)
      .executeTakeFirstOrThrow()
    expect(row.used_at).toBeNull()
    server.clock.advance(120_000)
    const later = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/siwe',
      payload: { message, signature },
    })
    expect(later.statusCode).toBe(200) // the nonce survived the 429 and signs in once the budget is back
  })

  it("behavior: an account's JWT and API key share one budget; the key's tier allows more of it", async () => {
    server = await startTestServer({ rateLimitAccountPerMinute: 4, rateLimitApiKeyPerMinute: 6 })
    const session = (await signIn(server.app, newWallet(), server.clock.now())).json()
    const bearer = { authorization: `Bearer ${session.accessToken}` }
    const created = await server.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: bearer,
      payload: { name: 'b', scope: 'read' },
    })
    const key = { 'x-api-key': created.json().secret }
    for (let i = 0; i < 2; i++)
      expect((await server.app.inject({ url: '/v1/verify/read', headers: key })).statusCode).toBe(200)
    // 1 (create) + 2 (key) = 3 used: the JWT has 1 left of its 4, the key 3 of its 6.
    const jwt = await server.app.inject({ url: '/v1/auth/me', headers: bearer })
    expect([jwt.statusCode, jwt.headers['x-ratelimit-remaining']]).toEqual([200, '0'])
    expect((await server.app.inject({ url: '/v1/auth/me', headers: bearer })).statusCode).toBe(429)
    const viaKey = await server.app.inject({ url: '/v1/verify/read', headers: key })
    expect([viaKey.statusCode, viaKey.headers['ratelimit-policy']]).toEqual([200, '"api-key";q=6;w=60'])
  })

  it('behavior: refused credentials are counted against the client IP', async () => {
    server = await startTestServer({ rateLimitAnonymousPerMinute: 3 })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const response = await server.app.inject({
        url: '/v1/auth/me',
        headers: { 'x-api-key': `sgl_sk_${'A'.repeat(59)}` },
      })
      statuses.push(response.statusCode)
    }
    expect(statuses).toEqual([401, 401, 401, 429])
    const otherIp = await server.app.inject({ url: '/v1/auth/me', remoteAddress: '198.51.100.7' })
    expect(otherIp.statusCode).toBe(401)
  })

  it('parameters: rateLimits off sends no headers and never 429s', async () => {
    server = await startTestServer({ rateLimits: 'off', rateLimitSignInPerMinute: 1 })
    for (let i = 0; i < 3; i++) {
      const response = await server.app.inject({ method: 'POST', url: '/v1/auth/nonce', payload: {} })
      expect(response.statusCode).toBe(200)
      expect(response.headers['x-ratelimit-limit']).toBeUndefined()
    }
  })

  it('behavior: health checks and the JWKS are not limited', async () => {
    server = await startTestServer({ rateLimitAnonymousPerMinute: 1 })
    for (let i = 0; i < 3; i++) {
      expect((await server.app.inject({ url: '/healthz' })).statusCode).toBe(200)
      expect((await server.app.inject({ url: '/.well-known/jwks.json' })).statusCode).toBe(200)
    }
  })
})
