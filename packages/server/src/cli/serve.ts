import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import type { Gateway } from '../core/gateway.js'
import { createSigil } from '../create-sigil.js'
import { enabledDialects, settingsOf } from '../http/dialects/define-dialect.js'
import { DIALECTS } from '../http/dialects/registry.js'

export interface RunningServer {
  app: FastifyInstance
  gateway: Gateway
  url: string
  close(): Promise<void>
}

/** Builds Sigil, listens, and keeps the key ring fresh. */
export async function startServer(config: Config): Promise<RunningServer> {
  const sigil = await createSigil(config, {
    logger: {
      level: config.logLevel,
      // Credentials never reach the log, whatever the level.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
    },
  })
  const { gateway } = sigil
  const app = sigil.app!
  // The process's own metrics (CPU, memory, event-loop lag, GC) beside Sigil's, in its registry.
  sigil.metrics.collectProcessMetrics()
  if (config.rateLimits === 'off')
    app.log.warn('rate limiting is OFF (SIGIL_RATE_LIMITS=off): limit requests upstream')
  if (!config.masterKey)
    app.log.warn('no SIGIL_MASTER_KEY: signing keys are stored unencrypted in the database')
  for (const dialect of enabledDialects(config, DIALECTS))
    for (const warning of dialect.warnings?.(settingsOf(config, dialect)) ?? []) app.log.warn(warning)
  app.log.info(
    { evmCrypto: sigil.facts.evmCrypto, database: config.databaseUrl.split(':')[0] },
    'sigil starting',
  )
  if (gateway.geo.enabled)
    app.log.info(
      {
        blocked: config.geoBlockedCountries,
        blockUnknown: config.geoBlockUnknown,
        ranges: sigil.facts.ipRanges,
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
      await sigil.close()
    },
  }
}
