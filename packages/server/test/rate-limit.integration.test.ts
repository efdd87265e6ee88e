import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { createKey, signedIn } from './support/api-keys.js'
import { COOKIE, EVIL_ORIGIN, setCookieOf, signInWithCookie } from './support/cookie-session.js'
import { deleteRedisPrefix, useTestRedis } from './support/redis.js'
import { nonceCount, startTestServer, type TestServer } from './support/test-server.js'
import { getNonce, newWallet, signedSiwe } from './support/wallet.js'

/** Rate limits on Sigil's real routes (the plugin itself is unit-tested in rate-limit.test.ts). */
describe('rate limits on the real API', () => {
  let server: TestServer
  afterEach(() => server.close())

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
    expect(nonceCount(server)).toBe(3)
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
    server.clock.advance(120_000)
    const later = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/siwe',
      payload: { message, signature },
    })
    // The nonce survived the 429 unspent (a spent one would be NONCE_USED) and signs in once the budget is back.
    expect(later.statusCode).toBe(200)
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

/**
 * Whose budget a request spends, with the counters in process memory and on Redis (the replicas'
 * store: the script itself must count the same buckets).
 */
const redis = useTestRedis()
describe.each(['memory', 'redis'] as const)('account budgets (%s counters)', (counters) => {
  let server: TestServer
  let keyPrefix: string | undefined
  afterEach(async () => {
    await server.close()
    if (keyPrefix === undefined) return
    // The counters were Redis's (not a silent fallback to memory), and are gone now.
    expect(await deleteRedisPrefix(redis().url, keyPrefix)).toBeGreaterThan(0)
    keyPrefix = undefined
  })

  const start = async (flags: Record<string, unknown>) => {
    if (counters === 'memory') return startTestServer(flags)
    keyPrefix = `${redis().prefix}${randomUUID()}:`
    return startTestServer({ ...flags, redisUrl: redis().url, redisKeyPrefix: keyPrefix })
  }
  const verifyRead = (headers: Record<string, string>) =>
    server.app.inject({ url: '/v1/verify/read', headers })

  it("behavior: an account's sessions share one budget, its keys of one power another", async () => {
    server = await start({ rateLimitAccountPerMinute: 4, rateLimitApiKeyPerMinute: 6 })
    const owner = await signedIn(server)
    const first = await createKey(server, owner, { scope: 'read' })
    const second = await createKey(server, owner, { scope: 'read' })
    for (let i = 0; i < 2; i++) expect((await verifyRead({ 'x-api-key': first.secret })).statusCode).toBe(200)
    // Two read keys, one budget: minting another buys nothing.
    const viaSecond = await verifyRead({ 'x-api-key': second.secret })
    expect([viaSecond.statusCode, viaSecond.headers['x-ratelimit-remaining']]).toEqual([200, '3'])
    expect(viaSecond.headers['ratelimit-policy']).toBe('"api-key";q=6;w=60')
    // The session spent 2 (the key creations) of its own 4; the keys' requests are not in it.
    const me = await server.app.inject({ url: '/v1/auth/me', headers: owner.headers })
    expect([me.statusCode, me.headers['x-ratelimit-remaining']]).toEqual([200, '1'])
  })

  it("attack: cross-site requests carrying the victim's cookie spend no budget of the victim's account", async () => {
    server = await start({
      rateLimitAccountPerMinute: 3,
      rateLimitApiKeyPerMinute: 3,
      rateLimitAnonymousPerMinute: 5,
    })
    const wallet = newWallet()
    const cookie = setCookieOf(await signInWithCookie(server.app, wallet, server.clock.now()))!.value
    const bot = await createKey(server, await signedIn(server, wallet), { scope: 'trade' })
    // The attacker's page makes the victim's browser send unsafe requests (from the victim's address).
    const statuses = []
    for (let i = 0; i < 20; i++) {
      const forged = await server.app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers: EVIL_ORIGIN,
        cookies: { [COOKIE]: cookie },
        payload: { name: 'attacker', scope: 'trade' },
      })
      statuses.push(forged.statusCode)
      if (i === 0) expect(forged.headers['ratelimit-policy']).toBe('"anonymous";q=5;w=60')
    }
    // Refused (CSRF), then held to the anonymous budget of the address they come from.
    expect(statuses).toEqual([...Array(5).fill(403), ...Array(15).fill(429)])
    // The victim's bot, from the same address, still has its whole budget; so has the session
    // (1 of its 3 went on creating the key, 1 on this request).
    const trade = await server.app.inject({ url: '/v1/verify/trade', headers: { 'x-api-key': bot.secret } })
    expect([trade.statusCode, trade.headers['x-ratelimit-remaining']]).toEqual([200, '2'])
    const me = await server.app.inject({ url: '/v1/auth/me', cookies: { [COOKIE]: cookie } })
    expect([me.statusCode, me.headers['x-ratelimit-remaining']]).toEqual([200, '1'])
  })

  it('attack: a read-only key flooding (allowed or refused) cannot 429 a trade key of its account', async () => {
    server = await start({ rateLimitApiKeyPerMinute: 5, rateLimitAnonymousPerMinute: 5 })
    const owner = await signedIn(server)
    const dashboard = await createKey(server, owner, { scope: 'read' })
    const bot = await createKey(server, owner, { scope: 'trade' })
    const read = []
    const refused = []
    for (let i = 0; i < 10; i++) {
      read.push((await verifyRead({ 'x-api-key': dashboard.secret })).statusCode)
      // Beyond its scope: refused, and counted against the client's address, not the account.
      const trade = await server.app.inject({
        url: '/v1/verify/trade',
        headers: { 'x-api-key': dashboard.secret },
      })
      refused.push(trade.statusCode)
    }
    expect(read).toEqual([...Array(5).fill(200), ...Array(5).fill(429)])
    expect(refused).toEqual([...Array(5).fill(403), ...Array(5).fill(429)])
    const viaBot = await server.app.inject({
      url: '/v1/verify/trade',
      headers: { 'x-api-key': bot.secret },
      remoteAddress: '198.51.100.9',
    })
    expect([viaBot.statusCode, viaBot.headers['x-ratelimit-remaining']]).toEqual([200, '4'])
  })
})
