import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { createRpcChainReader } from './chain/create-rpc-chain-reader.js'
import { type Config, masterKeyBytes } from './config.js'
import { type Clock, systemClock } from './core/clock.js'
import { createGateway, type Gateway } from './core/gateway.js'
import type { Stores } from './core/ports.js'
import { selectEvmCrypto } from './crypto/select-evm-crypto.js'
import { buildApp } from './http/app.js'
import { type Dialect, enabledDialects, settingsOf } from './http/dialects/define-dialect.js'
import { DIALECTS } from './http/dialects/registry.js'
import { createMetrics, type Metrics } from './metrics/create-metrics.js'
import { openIpCountryDatabase } from './store/geo/open-ip-country-database.js'
import { openStores } from './store/open-stores.js'
import { openRedisStores } from './store/redis/open-redis-stores.js'
import { createRedisPublishTransport } from './store/redis/publish-transport.js'
import { redactRedisUrl } from './store/redis/redis-errors.js'
import { createRedisPubSub, type PubSubLog } from './store/redis/redis-pubsub.js'
import { createRedisRevocationBus } from './store/redis/revocation-bus.js'

/** The CLI's commands say what they must on stderr; they have no request log. */
const operatorLog = {
  warn: (_object: object, message: string) => process.stderr.write(`sigil: ${message}\n`),
  info: () => {},
}

/**
 * A log for adapters built before the app (whose logger they should use): messages go nowhere
 * until `attach`, which happens before anything is served.
 */
function lateLog() {
  let target: PubSubLog | undefined
  return {
    warn: (object: object, message: string) => target?.warn(object, message),
    info: (object: object, message: string) => target?.info(object, message),
    attach(log: PubSubLog) {
      target = log
    },
  }
}

/**
 * The ephemeral ports (nonces, rate-limit counters, strict-replay claims) on Redis, shared by every
 * replica; the durable ones stay where they are. Redis unreachable at start stops the server.
 */
async function withRedisStores(
  stores: Stores,
  config: Config,
  log: PubSubLog,
): Promise<{ stores: Stores; rateLimitFailedOver: () => boolean }> {
  let redis: Awaited<ReturnType<typeof openRedisStores>>
  try {
    redis = await openRedisStores(config.redisUrl!, { keyPrefix: config.redisKeyPrefix, log })
  } catch (error) {
    await stores.close()
    throw error
  }
  const shared: Stores = {
    ...stores,
    challenges: redis.challenges,
    rateLimits: redis.rateLimits,
    signatureUses: redis.signatureUses,
    requestSignatureUses: redis.requestSignatureUses,
    async ping() {
      await Promise.all([stores.ping?.(), redis.ping()])
    },
    async close() {
      await redis.close()
      await stores.close()
    },
  }
  return { stores: shared, rateLimitFailedOver: () => redis.rateLimits.failedOver }
}

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
  /** What `/metrics` serves (a registry of this Sigil's own). */
  metrics: Metrics
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
  const durable =
    options.stores ?? (await openStores(config.databaseUrl, { poolMax: config.databasePoolMax }))
  const log = lateLog()
  // Operator commands need no nonces or counters: only the server moves them to Redis.
  const withRedis =
    role === 'server' && config.redisUrl ? await withRedisStores(durable, config, log) : undefined
  const stores = withRedis?.stores ?? durable
  const masterKey = masterKeyBytes(config)
  const pubsub = config.redisUrl
    ? createRedisPubSub(config.redisUrl, { keyPrefix: config.redisKeyPrefix, log })
    : undefined
  const chainReader = config.chainRpcUrls
    ? createRpcChainReader({ urls: config.chainRpcUrls, timeoutMs: config.chainRpcTimeoutSeconds * 1000 })
    : undefined
  const revocationBus = pubsub ? createRedisRevocationBus(pubsub) : undefined
  const metrics = createMetrics({
    ...(revocationBus ? { revocationBusLive: () => revocationBus.live } : {}),
    ...(withRedis ? { rateLimitFailedOver: withRedis.rateLimitFailedOver } : {}),
  })
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
    ...(chainReader ? { chainReader } : {}),
    ...(pubsub && revocationBus
      ? { revocationBus, publishTransport: createRedisPublishTransport(pubsub) }
      : {}),
    events: metrics.events,
  })
  if (pubsub) {
    try {
      await pubsub.connect()
    } catch (error) {
      const where = redactRedisUrl(config.redisUrl!)
      // An operator command still does its work: servers see a rotation at their next refresh.
      if (role === 'operator') operatorLog.warn({}, `cannot reach ${where}: running servers are not told`)
      else {
        await gateway.close()
        throw new Error(`redisUrl: cannot connect to ${where}`, { cause: error })
      }
    }
  }
  const facts = { evmCrypto: evmCrypto.name, ipRanges: ipCountries?.size ?? 0 }
  if (role === 'operator') {
    log.attach(operatorLog)
    return { config, gateway, app: undefined, facts, metrics, close: () => gateway.close() }
  }
  try {
    await gateway.start()
    const app = await buildApp(gateway, config, {
      registry,
      metrics,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    })
    log.attach(app.log)
    return {
      config,
      gateway,
      app,
      facts,
      metrics,
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
