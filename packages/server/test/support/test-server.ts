import type { FastifyInstance } from 'fastify'
import { type Config, loadConfig } from '../../src/config.js'
import { createGateway, type Gateway } from '../../src/core/gateway.js'
import type { Stores } from '../../src/core/ports.js'
import { selectEvmCrypto } from '../../src/crypto/select-evm-crypto.js'
import { type BuildAppOptions, buildApp } from '../../src/http/app.js'
import { openIpCountryDatabase } from '../../src/store/geo/open-ip-country-database.js'
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

export const TEST_PUBLIC_URL = 'https://app.example'

export interface TestServerOptions {
  clock?: ManualClock
  /**
   * Stores another server already opened (a restart over the same database). The caller keeps
   * them: close such a second server with `app.close()`, as `close()` would close the stores.
   */
  stores?: Stores
  /** The app's logger (default: none), e.g. `{ level: 'trace', stream }` to read what it logs. */
  logger?: BuildAppOptions['logger']
  /** Seals the signing keys at rest, as `SIGIL_MASTER_KEY` does for `sigil serve`. */
  masterKey?: Uint8Array
}

/** The real app over a real (in-memory unless told otherwise) SQLite store, with a manual clock. */
export async function startTestServer(
  flags: Record<string, unknown> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const config = loadConfig({
    flags: { publicUrl: TEST_PUBLIC_URL, databaseUrl: 'sqlite::memory:', logLevel: 'silent', ...flags },
  })
  const clock = options.clock ?? createManualClock()
  const stores = options.stores ?? (await openStores(config.databaseUrl))
  const ipCountries = config.geoIpDatabase ? await openIpCountryDatabase(config.geoIpDatabase) : undefined
  const gateway = await createGateway(config, {
    stores,
    clock,
    evmCrypto: await selectEvmCrypto(config.evmCrypto),
    ...(ipCountries ? { ipCountries } : {}),
    ...(options.masterKey ? { masterKey: options.masterKey } : {}),
  })
  const app = await buildApp(gateway, config, options.logger ? { logger: options.logger } : {})
  return {
    app,
    gateway,
    stores,
    config,
    clock,
    async close() {
      await app.close()
      await gateway.close()
    },
  }
}
