import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ApiKeyStore, Stores } from '../src/core/ports.js'
import { openStores } from '../src/store/open-stores.js'
import { createKey, revokeKey, rotateKey, type SignedIn, signedIn, useKey } from './support/api-keys.js'
import { eventually } from './support/eventually.js'
import type { ManualClock } from './support/manual-clock.js'
import { usePostgresDatabase } from './support/postgres.js'
import { expectProblem } from './support/problem.js'
import { type PrivateRedis, startPrivateRedis } from './support/redis.js'
import { useReplicas } from './support/replicas.js'
import { startTestServer, type TestServer } from './support/test-server.js'

interface Replica {
  server: TestServer
  /** API-key lookups this replica made in the store. */
  counted: { lookups: number }
}

/** A replica over its own connections to the shared PostgreSQL, counting its API-key lookups. */
async function replica(flags: Record<string, unknown>, clock?: ManualClock): Promise<Replica> {
  const stores = await openStores(flags.databaseUrl as string, { poolMax: 2 })
  const counted = { lookups: 0 }
  const apiKeys: ApiKeyStore = {
    ...stores.apiKeys,
    findById(id) {
      counted.lookups += 1
      return stores.apiKeys.findById(id)
    },
  }
  const server = await startTestServer(flags, {
    stores: { ...stores, apiKeys } as Stores,
    ...(clock ? { clock } : {}),
  })
  return { server, counted }
}

/**
 * Issue 12: verified API keys are cached per replica (no store read per request), and a revoke or
 * rotate on one replica reaches every other one's cache through the revocation bus. Two replicas
 * in one process, over one PostgreSQL database and one Redis.
 */
describe('replicas sharing PostgreSQL and Redis: the cache of verified API keys', () => {
  const servers = useReplicas(usePostgresDatabase())

  const replicas = async () => {
    const shared = servers.flags()
    const a = await replica(shared)
    servers.keep(a.server)
    const b = await replica(shared, a.server.clock)
    servers.keep(b.server)
    return [a, b] as const
  }

  /** B has the key in its cache: the second use reads no store. */
  const warm = async (b: Replica, secret: string) => {
    expect((await useKey(b.server, secret)).statusCode).toBe(200)
    const before = b.counted.lookups
    expect((await useKey(b.server, secret)).statusCode).toBe(200)
    expect(b.counted.lookups).toBe(before)
  }

  it('attack: a key revoked on A is refused on B (401 API_KEY_REVOKED) as soon as the bus message lands, cache or not', async () => {
    const [a, b] = await replicas()
    const owner = await signedIn(a.server)
    const key = await createKey(a.server, owner)
    await warm(b, key.secret)
    expect((await revokeKey(a.server, owner, key.id)).statusCode).toBe(204)
    // The revoking replica at once, without waiting for the bus.
    expectProblem(await useKey(a.server, key.secret), 401, 'API_KEY_REVOKED')
    const took = await eventually(1000, async () => (await useKey(b.server, key.secret)).statusCode === 401)
    expectProblem(await useKey(b.server, key.secret), 401, 'API_KEY_REVOKED')
    expect(took).toBeLessThan(1000)
  })

  it('attack: a rotation without grace refuses the old secret on A at once and on B with the bus message; the new one works on both', async () => {
    const [a, b] = await replicas()
    const owner: SignedIn = await signedIn(a.server)
    const key = await createKey(a.server, owner)
    await warm(b, key.secret)
    const rotated = await rotateKey(a.server, owner, key.id, { gracePeriodSeconds: 0 })
    expect(rotated.statusCode).toBe(200)
    const fresh = rotated.json().secret as string
    expectProblem(await useKey(a.server, key.secret), 401, 'API_KEY_INVALID')
    await eventually(1000, async () => (await useKey(b.server, key.secret)).statusCode === 401)
    expectProblem(await useKey(b.server, key.secret), 401, 'API_KEY_INVALID')
    for (const { server } of [a, b]) expect((await useKey(server, fresh)).statusCode).toBe(200)
  })

  it('attack: the IP allowlist is enforced from the cache, and expiry is judged against the clock on a cache hit', async () => {
    const [a, b] = await replicas()
    const owner = await signedIn(a.server)
    const key = await createKey(a.server, owner, { allowedIps: ['198.51.100.0/24'], expiresInDays: 1 })
    expect((await useKey(b.server, key.secret, { ip: '198.51.100.7' })).statusCode).toBe(200)
    const before = b.counted.lookups
    expectProblem(await useKey(b.server, key.secret, { ip: '203.0.113.9' }), 403, 'IP_NOT_ALLOWED')
    expect((await useKey(b.server, key.secret, { ip: '198.51.100.8' })).statusCode).toBe(200)
    expect(b.counted.lookups).toBe(before)
    // A day later the entry has aged out anyway; the expiry decides from the record, whatever its source.
    a.server.clock.advance(86_400_000)
    expectProblem(await useKey(b.server, key.secret, { ip: '198.51.100.7' }), 401, 'API_KEY_EXPIRED')
  })
})

/** Redis killed and restarted under two replicas: while the bus is down, keys are read from the store. */
describe('replicas while Redis is down: API keys bypass the cache', () => {
  const databaseUrl = usePostgresDatabase()
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

  it('attack: a key revoked on A during the outage is refused on B at once (B reads the store), and stays refused after the resync', async () => {
    const shared = { databaseUrl: databaseUrl(), redisUrl: redis.url, redisKeyPrefix: 'sigil-keys-down:' }
    const a = await replica(shared)
    const b = await replica(shared, a.server.clock)
    servers.push(a.server, b.server)
    const owner = await signedIn(a.server)
    const doomed = await createKey(a.server, owner, { name: 'doomed' })
    const kept = await createKey(a.server, owner, { name: 'kept' })
    for (const key of [doomed, kept]) expect((await useKey(b.server, key.secret)).statusCode).toBe(200)

    await redis.kill()
    // B notices the gap: from then on each request reads the store (the bus may miss messages).
    await eventually(5000, async () => {
      const before = b.counted.lookups
      expect((await useKey(b.server, kept.secret)).statusCode).toBe(200)
      return b.counted.lookups > before
    })
    expect((await revokeKey(a.server, owner, doomed.id)).statusCode).toBe(204)
    // No bus message can arrive now: the refusal comes from the store, on the first request.
    expectProblem(await useKey(b.server, doomed.secret), 401, 'API_KEY_REVOKED')

    await redis.start()
    // Back on the bus (cache cleared on resync): served from the cache again, still refused.
    await eventually(10_000, async () => {
      await useKey(b.server, kept.secret)
      const before = b.counted.lookups
      await useKey(b.server, kept.secret)
      return b.counted.lookups === before
    })
    expectProblem(await useKey(b.server, doomed.secret), 401, 'API_KEY_REVOKED')
  }, 30_000)
})
