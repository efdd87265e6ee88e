import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Histogram } from 'prom-client'
import { type AuthError, isAuthError } from '../../core/errors.js'
import { createIpAllowlist } from '../../core/network/ip-allowlist.js'
import type { Dependency, Metrics, Tally, VerifyDecisionLabels } from '../../metrics/create-metrics.js'

export interface MetricsPluginOptions {
  /** Normalised addresses and CIDR ranges (config `metricsAllowFrom`) that may scrape; empty: none. */
  allowFrom: readonly string[]
  /** A bearer token that may scrape from anywhere (config `metricsToken`). */
  token?: string | undefined
}

/** The verify endpoints (forward auth), wherever their API is mounted: `<prefix>/v1/verify[/...]`. */
const VERIFY_ROUTE = /\/v1\/verify(?:\/|$)/

/** What one route (one method of it) records, labels resolved once: nothing is built per request. */
interface RouteSlot {
  route: string
  method: string
  verify: boolean
  /** Latency series by status class (index 1..5). */
  latency: (Histogram.Internal<'route' | 'method' | 'status_class'> | undefined)[]
  /** Verify decisions by status code. */
  decisions: Map<number, Tally<VerifyDecisionLabels>>
}

const BEARER = /^Bearer +(\S+) *$/i

const sha256 = (text: string) => createHash('sha256').update(text).digest()

/** The dependency a 503 names (store adapters say `redis: …` or `database …` in `internal`). */
export function dependencyOf(error: AuthError): Dependency | undefined {
  if (error.code === 'CHAIN_UNAVAILABLE') return 'chain'
  if (error.code !== 'SERVICE_UNAVAILABLE') return undefined
  const internal = error.internal ?? ''
  if (internal.startsWith('redis')) return 'redis'
  if (internal.startsWith('database')) return 'postgres'
  return 'other'
}

/**
 * `GET /metrics` (Prometheus text) and the hooks that feed it: request latency, verify decisions
 * and dependency failures. Register it on the root before any other route: the hooks then cover
 * every API's routes. `/metrics` answers only peers in `allowFrom` (the client address, as
 * trustedProxies resolve it: a public client behind a local proxy is not a loopback peer) or a
 * request bearing `token`; anyone else gets the app's 404, as for a route that does not exist.
 */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, options: MetricsPluginOptions) {
  const slots = new WeakMap<object, RouteSlot>()
  const slotOf = (request: FastifyRequest): RouteSlot => {
    const routeOptions = request.routeOptions
    let slot = slots.get(routeOptions.config)
    if (!slot) {
      const matched = routeOptions.url !== undefined && !request.is404
      const route = matched ? routeOptions.url! : 'unmatched'
      slot = {
        route,
        // Unmatched paths share one series whatever the method (a client picks it).
        method: matched ? request.method : 'any',
        verify: matched && VERIFY_ROUTE.test(route),
        latency: [],
        decisions: new Map(),
      }
      slots.set(routeOptions.config, slot)
    }
    return slot
  }

  app.addHook('onResponse', (request, reply, done) => {
    const slot = slotOf(request)
    const status = reply.statusCode
    const statusClass = Math.min(5, Math.max(1, Math.floor(status / 100)))
    let latency = slot.latency[statusClass]
    if (!latency) {
      latency = metrics.requestDuration.labels({
        route: slot.route,
        method: slot.method,
        status_class: `${statusClass}xx`,
      })
      slot.latency[statusClass] = latency
    }
    latency.observe(reply.elapsedTime / 1000)
    if (slot.verify) {
      let decision = slot.decisions.get(status)
      if (!decision) {
        const outcome = status < 300 ? 'allowed' : status < 500 ? 'denied' : 'error'
        decision = metrics.verifyDecisionTally({ route: slot.route, outcome, status: String(status) })
        slot.decisions.set(status, decision)
      }
      decision.count += 1
    }
    done()
  })

  app.addHook('onError', (_request, _reply, error, done) => {
    if (isAuthError(error)) {
      const dependency = dependencyOf(error)
      if (dependency) metrics.dependencyFailed(dependency)
    }
    done()
  })

  const allowlist =
    options.allowFrom.length > 0 ? createIpAllowlist(options.allowFrom) : { allows: () => false }
  const expected = options.token === undefined ? undefined : sha256(options.token)
  /** Constant time: both sides hashed to 32 bytes first, so neither content nor length leaks. */
  const tokenMatches = (authorization: string | undefined) => {
    if (expected === undefined || authorization === undefined) return false
    const presented = BEARER.exec(authorization)?.[1]
    return presented !== undefined && timingSafeEqual(sha256(presented), expected)
  }

  app.get(
    '/metrics',
    { config: { auth: 'public', rateLimit: 'none', geo: 'open' }, schema: { hide: true } },
    async (request, reply) => {
      if (!allowlist.allows(request.ip) && !tokenMatches(request.headers.authorization)) {
        return reply.callNotFound()
      }
      const body = await metrics.registry.metrics()
      return reply.header('cache-control', 'no-store').type(metrics.registry.contentType).send(body)
    },
  )
}
