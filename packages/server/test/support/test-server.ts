import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { type Config, loadConfig } from '../../src/config.js'
import type { Gateway } from '../../src/core/gateway.js'
import type { Stores } from '../../src/core/ports.js'
import { createSigil } from '../../src/create-sigil.js'
import type { Dialect } from '../../src/http/dialects/define-dialect.js'
import { DIALECTS } from '../../src/http/dialects/registry.js'
import { openStores } from '../../src/store/open-stores.js'
import { createManualClock, type ManualClock } from './manual-clock.js'

export interface TestServer {
  app: FastifyInstance
  gateway: Gateway
  stores: Stores
  config: Config
  clock: ManualClock
  close(): Promise<void>
}

export interface TestServerOptions {
  clock?: ManualClock
  /**
   * Stores another server already opened (a restart over the same database). The caller keeps
   * them: close such a second server with `app.close()`, as `close()` would close the stores.
   */
  stores?: Stores
  /** The app's logger (default: none), e.g. `{ level: 'trace', stream }` to read what it logs. */
  logger?: FastifyServerOptions['logger']
  /** The dialects it speaks: a test's own registry (a venue declared in the tests alone). */
  registry?: readonly Dialect[]
}

export const TEST_PUBLIC_URL = 'https://app.example'

/**
 * The real app over a real (in-memory unless told otherwise) SQLite store, with a manual clock,
 * built by the same composition root as `sigil serve` (a master key comes in as the `masterKey`
 * flag, as SIGIL_MASTER_KEY does).
 */
export async function startTestServer(
  flags: Record<string, unknown> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const registry = options.registry ?? DIALECTS
  const config = loadConfig(
    { flags: { publicUrl: TEST_PUBLIC_URL, databaseUrl: 'sqlite::memory:', logLevel: 'silent', ...flags } },
    registry,
  )
  const clock = options.clock ?? createManualClock()
  const stores = options.stores ?? (await openStores(config.databaseUrl, { poolMax: config.databasePoolMax }))
  const sigil = await createSigil(config, {
    clock,
    stores,
    registry,
    ...(options.logger ? { logger: options.logger } : {}),
  })
  return { app: sigil.app!, gateway: sigil.gateway, stores, config, clock, close: () => sigil.close() }
}

/** How many nonces a single-process test server holds (they live in its memory, not in SQLite). */
export function nonceCount(server: TestServer): number {
  const { challenges } = server.stores as { challenges: { size?(): number } }
  if (!challenges.size) throw new Error('nonceCount: this server keeps its nonces elsewhere (Redis or SQL)')
  return challenges.size()
}
