import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from './support/eventually.js'
import { A1, A2 } from './support/paradex-vectors.js'
import { auth, connect, listenParadex, paradexJwt, subscribe } from './support/paradex-ws.js'
import { deleteRedisPrefix, testRedisUrl, uniqueRedisPrefix } from './support/redis.js'
import { tempDir } from './support/temp-dir.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet, signIn } from './support/wallet.js'

const REDIS_URL = testRedisUrl()

/**
 * Two replicas in one process (their own gateways, stores connections, key rings and revocation
 * lists) over one database and one Redis: what one revokes, the other refuses within a second.
 */
describe('replicas sharing a database and Redis: the revocation bus and the publish hub', () => {
  const servers: TestServer[] = []
  let prefix: string
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close()
    await deleteRedisPrefix(REDIS_URL, prefix)
  })

  const replicas = async (flags: Record<string, unknown> = {}) => {
    prefix = uniqueRedisPrefix()
    const shared = {
      databaseUrl: `sqlite:${join(tempDir('sigil-replicas-'), 'sigil.db')}`,
      redisUrl: REDIS_URL,
      redisKeyPrefix: prefix,
      ...flags,
    }
    const a = await startTestServer(shared)
    const b = await startTestServer(shared, { clock: a.clock })
    servers.push(a, b)
    return [a, b] as const
  }
  const me = (server: TestServer, token: string) =>
    server.app.inject({ method: 'GET', url: '/v1/auth/me', headers: { authorization: `Bearer ${token}` } })

  it('behavior: logout on A ends the access token on B within one second (a JWT check reads no store)', async () => {
    const [a, b] = await replicas()
    const { accessToken } = (await signIn(a.app, newWallet(), a.clock.now())).json()
    expect((await me(b, accessToken)).statusCode).toBe(200)
    const logout = await a.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { authorization: `Bearer ${accessToken}` },
    })
    expect(logout.statusCode).toBe(204)
    const took = await eventually(1000, async () => (await me(b, accessToken)).statusCode === 401)
    expect((await me(b, accessToken)).json().code).toBe('SESSION_REVOKED')
    expect(took).toBeLessThan(1000)
  })

  it('behavior: logout-all on B reaches every session of the account on A', async () => {
    const [a, b] = await replicas()
    const wallet = newWallet()
    const first = (await signIn(a.app, wallet, a.clock.now())).json().accessToken
    const second = (await signIn(b.app, wallet, b.clock.now())).json().accessToken
    await b.app.inject({
      method: 'POST',
      url: '/v1/auth/logout-all',
      headers: { authorization: `Bearer ${second}` },
    })
    await eventually(1000, async () => (await me(a, first)).statusCode === 401)
  })

  it('behavior: a signing key rotated through B is published by A at once, not at its next refresh', async () => {
    const [a, b] = await replicas({ keyRingRefreshSeconds: 3600, signingKeyLeadSeconds: 3660 })
    const kidsOf = async (server: TestServer) =>
      (await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' }))
        .json()
        .keys.map((k: { kid: string }) => k.kid)
    const { kid } = await b.gateway.operator.rotateSigningKey()
    await eventually(1000, async () => (await kidsOf(a)).includes(kid))
  })

  it('behavior: a private push published on A reaches the account’s socket on B, and only its own', async () => {
    const prefixFlags = { redisUrl: REDIS_URL }
    prefix = uniqueRedisPrefix()
    const databaseUrl = `sqlite:${join(tempDir('sigil-replicas-'), 'sigil.db')}`
    const flags = { ...prefixFlags, redisKeyPrefix: prefix, databaseUrl }
    const a = await startTestServer(flags)
    const b = await listenParadex(flags)
    servers.push(a, b.server)
    const [alice, bob] = [await connect(b.ws), await connect(b.ws)]
    await auth(alice, await paradexJwt(b.server, A2))
    await auth(bob, await paradexJwt(b.server, A1))
    for (const client of [alice, bob]) await subscribe(client, 'orders.ALL')
    const order = { id: 'o-1', market: 'BTC-USD-PERP' }
    await a.gateway.publishHub.publish({ channel: 'orders.BTC-USD-PERP', data: order, accountId: A2.account })
    expect((await alice.next(1000)).params).toEqual({ channel: 'orders.ALL', data: order })
    await expect(bob.next(300)).rejects.toThrow('no frame')
    alice.close()
    bob.close()
  })
})
