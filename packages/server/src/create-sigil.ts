import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { type Config, masterKeyBytes } from './config.js'
import { type Clock, systemClock } from './core/clock.js'
import { createGateway, type Gateway } from './core/gateway.js'
import type { Stores } from './core/ports.js'
import { selectEvmCrypto } from './crypto/select-evm-crypto.js'
import { buildApp } from './http/app.js'
import { type Dialect, enabledDialects, settingsOf } from './http/dialects/define-dialect.js'
import { DIALECTS } from './http/dialects/registry.js'
import { openIpCountryDatabase } from './store/geo/open-ip-country-database.js'
import { openStores } from './store/open-stores.js'

export interface SigilOptions {
  /** `server` (default): the key ring loaded and the HTTP app built. `operator`: the CLI's commands, neither. */
  role?: 'server' | 'operator'
  clock?: Clock
  /** Stores already open (a test sharing one database between two servers); else opened from databaseUrl. */
  stores?: Stores
  logger?: FastifyServerOptions['logger']
  /** The dialects Sigil speaks: the shipped registry unless a test brings its own. */
  registry?: readonly Dialect[]
}

export interface Sigil {
  config: Config
  gateway: Gateway
  /** The HTTP application (never listening yet); absent for the operator role. */
  app: FastifyInstance | undefined
  /** What was chosen at start, for the start-up log: the secp256k1 backend, the IP ranges read. */
  facts: { evmCrypto: string; ipRanges: number }
  close(): Promise<void>
}

/**
 * The one composition root: `sigil serve`, every operator command and the test server build Sigil
 * here, so stores, clock, crypto, master key, dialects and the rules derived from them (the
 * signing keys' retention) are put together once.
 */
export async function createSigil(config: Config, options: SigilOptions = {}): Promise<Sigil> {
  const role = options.role ?? 'server'
  const registry = options.registry ?? DIALECTS
  // First: a bad IP database is a configuration error, found before anything is opened.
  const ipCountries = config.geoIpDatabase ? await openIpCountryDatabase(config.geoIpDatabase) : undefined
  const evmCrypto = await selectEvmCrypto(config.evmCrypto)
  const stores = options.stores ?? (await openStores(config.databaseUrl, { poolMax: config.databasePoolMax }))
  const masterKey = masterKeyBytes(config)
  const gateway = createGateway(config, {
    stores,
    clock: options.clock ?? systemClock,
    evmCrypto,
    dialects: enabledDialects(config, registry).map((dialect) => ({
      id: dialect.id,
      core: dialect.core ?? {},
      settings: settingsOf(config, dialect),
    })),
    ...(masterKey ? { masterKey } : {}),
    ...(ipCountries ? { ipCountries } : {}),
  })
  const facts = { evmCrypto: evmCrypto.name, ipRanges: ipCountries?.size ?? 0 }
  if (role === 'operator') return { config, gateway, app: undefined, facts, close: () => gateway.close() }
  try {
    await gateway.start()
    const app = await buildApp(gateway, config, {
      registry,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    })
    return {
      config,
      gateway,
      app,
      facts,
      async close() {
        await app.close()
        await gateway.close()
      },
    }
  } catch (error) {
    await gateway.close()
    throw error
  }
}
