import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openPostgresStores } from '../src/store/postgres/open-postgres-stores.js'
import { eventually } from './support/eventually.js'
import { createPostgresDatabase } from './support/postgres.js'
import { expectProblem } from './support/problem.js'
import { type PrivateRedis, startPrivateRedis, uniqueRedisPrefix } from './support/redis.js'
import { startTestServer, type TestServer } from './support/test-server.js'

const readyz = (server: TestServer) => server.app.inject({ method: 'GET', url: '/readyz' })
const healthz = (server: TestServer) => server.app.inject({ method: 'GET', url: '/healthz' })
const metric = async (server: TestServer, name: string) => {
  const text = (await server.app.inject({ method: 'GET', url: '/metrics' })).body
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
  return line === undefined ? undefined : Number(line.split(' ').at(-1))
}

describe('/readyz and /healthz', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('behavior: ready over SQLite; 503 SERVICE_UNAVAILABLE once the store is closed, while /healthz stays alive', async () => {
    server = await startTestServer()
    const ready = await readyz(server)
    expect([ready.statusCode, ready.json()]).toEqual([200, { status: 'ready' }])
    expect(ready.headers['cache-control']).toBe('no-store')
    // Not rate limited and open to any address (a load balancer's probe).
    expect(
      (await server.app.inject({ method: 'GET', url: '/readyz', remoteAddress: '10.0.0.1' })).statusCode,
    ).toBe(200)
    await server.stores.close()
    expectProblem(await readyz(server), 503, 'SERVICE_UNAVAILABLE')
    expect((await healthz(server)).statusCode).toBe(200)
  })

  describe('PostgreSQL', () => {
    let database: Awaited<ReturnType<typeof createPostgresDatabase>>
    beforeAll(async () => {
      database = await createPostgresDatabase()
    }, 30_000)
    afterAll(() => database?.drop())

    it('behavior: ready while PostgreSQL answers SELECT 1; 503 once its database is gone', async () => {
      // `sigil migrate` first, as in a deployment.
      await (await openPostgresStores(database.url, { poolMax: 1, migrate: true })).close()
      server = await startTestServer({ databaseUrl: database.url })
      expect((await readyz(server)).statusCode).toBe(200)
      await database.drop()
      expectProblem(await readyz(server), 503, 'SERVICE_UNAVAILABLE')
      expect((await healthz(server)).statusCode).toBe(200)
    })
  })

  describe('Redis', () => {
    let redis: PrivateRedis
    beforeAll(async () => {
      redis = await startPrivateRedis()
    })
    afterAll(() => redis.dispose())

    it('behavior: 503 while a Redis of its own is down (bus not live, rate limits failed over), ready again when it is back', async () => {
      server = await startTestServer({ redisUrl: redis.url, redisKeyPrefix: uniqueRedisPrefix() })
      expect((await readyz(server)).statusCode).toBe(200)
      expect(await metric(server, 'sigil_revocation_bus_live')).toBe(1)
      expect(await metric(server, 'sigil_rate_limit_failover')).toBe(0)

      await redis.kill()
      expectProblem(await readyz(server), 503, 'SERVICE_UNAVAILABLE')
      expect((await healthz(server)).statusCode).toBe(200)
      // A limited request moves the counters to memory; a nonce fails closed, counted as Redis's.
      const nonce = await server.app.inject({ method: 'POST', url: '/v1/auth/nonce', payload: {} })
      expectProblem(nonce, 503, 'SERVICE_UNAVAILABLE')
      expect(await metric(server, 'sigil_rate_limit_failover')).toBe(1)
      const text = (await server.app.inject({ method: 'GET', url: '/metrics' })).body
      expect(text).toContain('sigil_dependency_errors_total{dependency="redis"} 1')
      await eventually(5_000, async () => (await metric(server!, 'sigil_revocation_bus_live')) === 0)

      await redis.start()
      await eventually(10_000, async () => (await readyz(server!)).statusCode === 200)
      await eventually(10_000, async () => (await metric(server!, 'sigil_revocation_bus_live')) === 1)
    }, 30_000)
  })
})
