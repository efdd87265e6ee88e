import type { FastifyInstance } from 'fastify'
import { type Config, masterKeyBytes } from '../config.js'
import { systemClock } from '../core/clock.js'
import { createGateway, type Gateway } from '../core/gateway.js'
import { selectEvmCrypto } from '../crypto/select-evm-crypto.js'
import { buildApp } from '../http/app.js'
import { openIpCountryDatabase } from '../store/geo/open-ip-country-database.js'
import { openStores } from '../store/open-stores.js'

export interface RunningServer {
  app: FastifyInstance
  gateway: Gateway
  url: string
  close(): Promise<void>
}

/** Opens the store, builds the gateway and the app, listens, and keeps the key ring fresh. */
export async function startServer(config: Config): Promise<RunningServer> {
  // First: a bad IP database is a configuration error, found before anything is opened.
  const ipCountries = config.geoIpDatabase ? await openIpCountryDatabase(config.geoIpDatabase) : undefined
  const evmCrypto = await selectEvmCrypto(config.evmCrypto)
  const stores = await openStores(config.databaseUrl)
  const masterKey = masterKeyBytes(config)
  const gateway = await createGateway(config, {
    stores,
    clock: systemClock,
    evmCrypto,
    ...(masterKey ? { masterKey } : {}),
    ...(ipCountries ? { ipCountries } : {}),
  })
  const app = await buildApp(gateway, config, {
    logger: {
      level: config.logLevel,
      // Credentials never reach the log, whatever the level.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
    },
  })
  if (config.rateLimits === 'off')
    app.log.warn('rate limiting is OFF (SIGIL_RATE_LIMITS=off): limit requests upstream')
  if (!masterKey) app.log.warn('no SIGIL_MASTER_KEY: signing keys are stored unencrypted in the database')
  // Paradex messages carry no server nonce: what is signed for one service with these domain
  // values verifies at every other (Paradex testnet included) until it expires.
  if (config.dialects.includes('paradex') && config.paradexStarknetChainId === 'PRIVATE_SN_POTC_SEPOLIA')
    app.log.warn(
      "paradexStarknetChainId is Paradex testnet's: headers signed for Paradex testnet (or another Sigil on the default) also sign in here; ccxt and the SDK accept any chain id, paradex-py only Paradex's four",
    )
  app.log.info({ evmCrypto: evmCrypto.name, database: config.databaseUrl.split(':')[0] }, 'sigil starting')
  if (gateway.geo.enabled)
    app.log.info(
      {
        blocked: config.geoBlockedCountries,
        blockUnknown: config.geoBlockUnknown,
        ranges: ipCountries?.size ?? 0,
      },
      'geo blocking on',
    )

  // Chained timeouts, not an interval: a slow tick never overlaps the next one.
  let ticker: NodeJS.Timeout
  const schedule = () => {
    ticker = setTimeout(async () => {
      await gateway.tick().catch((error: unknown) => app.log.error({ err: error }, 'periodic refresh failed'))
      schedule()
    }, config.keyRingRefreshSeconds * 1000)
    ticker.unref()
  }
  schedule()

  const url = await app.listen({ host: config.host, port: config.port })
  return {
    app,
    gateway,
    url,
    async close() {
      clearTimeout(ticker)
      await app.close()
      await gateway.close()
    },
  }
}
