import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from './support/eventually.js'
import { type PrivateRedis, startPrivateRedis } from './support/redis.js'
import { tempDir } from './support/temp-dir.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { getNonce, newWallet, signIn, siweMessage } from './support/wallet.js'

/**
 * Two replicas over one database and a Redis of the test's own, which the test kills and restarts:
 * sign-in fails closed, credentials keep working, a revocation made meanwhile is still enforced
 * everywhere, and everything comes back without a restart.
 */
describe('replicas while Redis is down', () => {
  let redis: PrivateRedis
  const servers: TestServer[] = []
  beforeAll(async () => {
    redis = await startPrivateRedis()
  })
  afterAll(() => redis.dispose())
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close()
    if (!redis.running) await redis.start()
  })

  const replicas = async () => {
    const flags = {
      databaseUrl: `sqlite:${join(tempDir('sigil-redis-down-'), 'sigil.db')}`,
      redisUrl: redis.url,
      redisKeyPrefix: 'sigil-down:',
    }
    const a = await startTestServer(flags)
    const b = await startTestServer(flags, { clock: a.clock })
    servers.push(a, b)
    return [a, b] as const
  }
  const me = (server: TestServer, token: string) =>
    server.app.inject({ method: 'GET', url: '/v1/auth/me', headers: { authorization: `Bearer ${token}` } })
  const nonce = (server: TestServer) =>
    server.app.inject({ method: 'POST', url: '/v1/auth/nonce', payload: {} })

  it('attack: nonces fail closed with 503 SERVICE_UNAVAILABLE (never a sign-in without its single-use check)', async () => {
    const [a] = await replicas()
    // A nonce minted before the outage cannot be spent during it either.
    const wallet = newWallet()
    const message = siweMessage(wallet, { nonce: await getNonce(a.app) }, a.clock.now())
    const signature = await wallet.signMessage({ message })
    await redis.kill()
    const refused = await nonce(a)
    expect([refused.statusCode, refused.json().code]).toEqual([503, 'SERVICE_UNAVAILABLE'])
    const attempt = await a.app.inject({
      method: 'POST',
      url: '/v1/auth/siwe',
      payload: { message, signature },
    })
    expect([attempt.statusCode, attempt.json().code]).toEqual([503, 'SERVICE_UNAVAILABLE'])
    await redis.start()
    await eventually(5000, async () => (await nonce(a)).statusCode === 200)
    expect((await signIn(a.app, newWallet(), a.clock.now())).statusCode).toBe(200)
  })

  it('behavior: credentials keep working, and a logout made while the bus is down is enforced on the other replica at once', async () => {
    const [a, b] = await replicas()
    const { accessToken } = (await signIn(a.app, newWallet(), a.clock.now())).json()
    await redis.kill()
    // Rate limiting falls back to memory: requests are still served.
    expect((await me(b, accessToken)).statusCode).toBe(200)
    const logout = await a.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { authorization: `Bearer ${accessToken}` },
    })
    expect(logout.statusCode).toBe(204)
    // No message could travel; B's bus is down, so it asks the database instead of its list.
    expect((await me(b, accessToken)).json().code).toBe('SESSION_REVOKED')
    await redis.start()
    // Back on the bus (its list resynchronised from the database), B still refuses it.
    await eventually(5000, async () => (await nonce(b)).statusCode === 200)
    await eventually(5000, async () => (await me(b, accessToken)).json().code === 'SESSION_REVOKED')
  })

  it('behavior: after Redis returns, a new logout travels on the bus again', async () => {
    const [a, b] = await replicas()
    await redis.kill()
    await redis.start()
    await eventually(5000, async () => (await nonce(a)).statusCode === 200)
    const { accessToken } = (await signIn(a.app, newWallet(), a.clock.now())).json()
    expect((await me(b, accessToken)).statusCode).toBe(200)
    await a.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { authorization: `Bearer ${accessToken}` },
    })
    await eventually(1000, async () => (await me(b, accessToken)).statusCode === 401)
  })
})
