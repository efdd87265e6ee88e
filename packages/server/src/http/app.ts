import cookie from '@fastify/cookie'
import swagger from '@fastify/swagger'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Config } from '../config.js'
import type { Gateway } from '../core/gateway.js'
import { JWKS_MAX_AGE_SECONDS } from '../core/tokens/create-key-ring.js'
import { createMetrics, type Metrics } from '../metrics/create-metrics.js'
import { capConnectionsPerClient, connectionTimeouts } from './connection-limits.js'
import { registerConsole } from './console.js'
import { type Dialect, dialectPolicy, enabledDialects, settingsOf } from './dialects/define-dialect.js'
import { registerDialectErrors } from './dialects/dialect-errors.js'
import { DIALECTS } from './dialects/registry.js'
import { registerAuthorization, registerIdentification } from './plugins/authentication.js'
import { recordGeoDenial, registerGeoBlocking } from './plugins/geo-blocking.js'
import { registerJsonBody } from './plugins/json-body.js'
import { registerMetrics } from './plugins/metrics.js'
import { registerProblemDetails, sendProblem } from './plugins/problem-details.js'
import { registerRateLimit } from './plugins/rate-limit.js'
import { registerWebSocket } from './plugins/websocket.js'
import { rootUpstreamProxy } from './proxy/root-proxy.js'

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger']
  /** The dialects Sigil speaks: the shipped registry unless a test brings its own. */
  registry?: readonly Dialect[]
  /** Where `/metrics` reads from (the composition root wires core's events to it); default: a fresh set. */
  metrics?: Metrics
}

/** Builds the HTTP application; never listens (tests use `inject` or listen themselves). */
export async function buildApp(
  gateway: Gateway,
  config: Config,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const dialects = enabledDialects(config, options.registry ?? DIALECTS)
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: config.bodyLimitBytes,
    // Every phase of a connection has a deadline (Fastify 5's defaults leave the request unbounded).
    ...connectionTimeouts(config),
    // The client IP is the socket's unless the peer is a configured proxy; then X-Forwarded-For is
    // read right to left, skipping trusted hops (proxy-addr). A spoofed header from anyone else
    // changes nothing.
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    // Strict bodies: an unknown property is an error, not something to strip; no type coercion.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    // Errors Fastify raises before routing (a malformed URL, say) are problems like any other.
    frameworkErrors: (error, _request, reply) => {
      sendProblem(reply, error.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_FAILED')
    },
  })
  // Before the first byte is read: a client holding too many sockets loses the extra one at once.
  const metrics = options.metrics ?? createMetrics()
  capConnectionsPerClient(app.server, {
    maxPerClient: config.maxConnectionsPerIp,
    trustedProxies: config.trustedProxies,
    onRefused: () => metrics.connectionRefused(),
  })
  // JSON only: a text/plain body is a 415, not a string that fails the schema.
  app.removeContentTypeParser('text/plain')
  registerJsonBody(app)

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sigil',
        version: '0.1.0',
        description: 'Wallet sign-in and credentials for trading APIs',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An access JWT, or an API key (sgl_sk_…)' },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: config.sessionCookieName },
        },
      },
    },
  })
  await app.register(cookie)
  await registerWebSocket(app, config)
  registerProblemDetails(app)
  // First of the routes and hooks: its latency and error hooks then see every API's routes.
  metrics.countWebSockets(() =>
    Object.fromEntries([...app.webSocketsOpen].map(([dialect, count]) => [dialect, count()])),
  )
  registerMetrics(app, metrics, { allowFrom: config.metricsAllowFrom, token: config.metricsToken })
  // Hook order is the security order: geo (a blocked client costs no credential check and no
  // counter) → identify and decide (a refused request goes on as anonymous) → count (429 before
  // any work; a refused request against its IP) → raise the refusal.
  registerGeoBlocking(app, {
    geo: gateway.geo,
    countryHeader: config.geoCountryHeader,
    trustedProxies: config.trustedProxies,
    onDenied: (request, check) => recordGeoDenial(gateway, request, check),
  })
  // Every API's cookies, Sigil's own first: a session is a session whichever API made it.
  const cookies = dialects.flatMap((d) => d.cookies?.(settingsOf(config, d), config) ?? [])
  registerIdentification(app, { gateway, cookies, allowedOrigins: config.allowedOrigins })
  registerRateLimit(app, {
    limiter: gateway.rateLimiter,
    enabled: config.rateLimits === 'on',
    onDenied: (request, outcome) => {
      metrics.rateLimitDenied(outcome.policyName)
      void gateway
        .recordDenial(outcome.bucket, {
          type: 'rate_limit.denied',
          ip: request.ip,
          ...(request.identity ? { accountId: request.identity.accountId } : {}),
          detail: { policy: outcome.policyName, route: request.routeOptions.url ?? 'unknown' },
        })
        .catch((error: unknown) => request.log.error({ err: error }, 'audit write failed'))
    },
  })
  registerAuthorization(app)

  // Public facts stay reachable from a blocked country (geo: 'open'): nothing in them is a service.
  const publicRoute = { auth: 'public' as const, geo: 'open' as const }
  app.get(
    '/healthz',
    { config: { ...publicRoute, rateLimit: 'none' }, schema: { hide: true } },
    async () => ({ status: 'ok' }),
  )
  // Ready: the stores answer and the signing keys are loaded (a load balancer's health check).
  app.get(
    '/readyz',
    { config: { ...publicRoute, rateLimit: 'none' }, schema: { hide: true } },
    async (request, reply) => {
      const readiness = await gateway.ready()
      if (readiness.ready) return reply.header('cache-control', 'no-store').send({ status: 'ready' })
      request.log.warn({ reason: readiness.reason }, 'not ready')
      return sendProblem(reply.header('cache-control', 'no-store'), 'SERVICE_UNAVAILABLE')
    },
  )
  app.get('/openapi.json', { config: publicRoute, schema: { hide: true } }, async () => app.swagger())
  app.get(
    '/.well-known/jwks.json',
    { config: { ...publicRoute, rateLimit: 'none' }, schema: { tags: ['keys'] } },
    async (_request, reply) => {
      // Short cache: verifiers pick up a rotation within a minute, and refetch at once on an unknown kid.
      reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
      return gateway.jwks()
    },
  )
  for (const dialect of dialects) {
    const settings = settingsOf(config, dialect)
    const policy = dialectPolicy(dialect, settings)
    if (!policy.ok) throw new Error(`${dialect.id}: route policy: ${policy.reason}`)
    const services = gateway.dialectServices(dialect.id)
    const context = { gateway, config, settings, services, policy: policy.value }
    // One encapsulated plugin per API: its error body, its routes and sockets, under its prefix.
    await app.register(
      async (scope) => {
        if (dialect.errors) registerDialectErrors(scope, dialect.errors)
        await dialect.routes(scope, context)
        dialect.websockets?.(scope, context)
      },
      { prefix: settings.prefix },
    )
  }
  // The web console speaks the native API (always on: it is the required dialect).
  const native = dialects.find((d) => d.id === 'native')
  if (config.console === 'on' && native) {
    registerConsole(app, { nativePrefix: settingsOf(config, native).prefix })
  }
  // Reverse-proxy mode: last, at the root, below every route Sigil and its dialects serve.
  await rootUpstreamProxy(app, { gateway, config, cookies })
  return app
}
