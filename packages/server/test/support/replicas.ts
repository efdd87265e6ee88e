import { afterEach } from 'vitest'
import { deleteRedisPrefix, testRedisUrl, uniqueRedisPrefix } from './redis.js'
import { startTestServer, type TestServer, type TestServerOptions } from './test-server.js'

export interface Replicas {
  /**
   * The flags every replica of the current test shares: the database, the shared Redis and a key
   * prefix of the test's own (a new one per call), plus `extra`.
   */
  flags(extra?: Record<string, unknown>): Record<string, unknown> & { databaseUrl: string }
  /** Closes `server` after the test, with the replicas. */
  keep(server: TestServer): TestServer
  /** Starts a server over `flags` and keeps it (closed after the test). */
  start(flags: Record<string, unknown>, options?: TestServerOptions): Promise<TestServer>
  /** Two replicas over `shared` (default: a new `flags()`), B on A's clock. */
  pair(shared?: Record<string, unknown>): Promise<readonly [TestServer, TestServer]>
}

/**
 * Replicas in one process over one database and the shared Redis, for the tests of a `describe`:
 * after each test its servers are closed and its Redis keys deleted. `databaseUrl` is read when a
 * test asks for `flags()` (e.g. `usePostgresDatabase()`'s function).
 */
export function useReplicas(databaseUrl: () => string): Replicas {
  const redisUrl = testRedisUrl()
  const servers: TestServer[] = []
  const prefixes: string[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close()
    for (const prefix of prefixes.splice(0)) await deleteRedisPrefix(redisUrl, prefix)
  })
  const keep = (server: TestServer) => {
    servers.push(server)
    return server
  }
  const flags = (extra: Record<string, unknown> = {}) => {
    const prefix = uniqueRedisPrefix()
    prefixes.push(prefix)
    return { databaseUrl: databaseUrl(), redisUrl, redisKeyPrefix: prefix, ...extra }
  }
  const start = async (serverFlags: Record<string, unknown>, options?: TestServerOptions) =>
    keep(await startTestServer(serverFlags, options))
  return {
    flags,
    keep,
    start,
    async pair(shared = flags()) {
      const a = await start(shared)
      const b = await start(shared, { clock: a.clock })
      return [a, b] as const
    },
  }
}
