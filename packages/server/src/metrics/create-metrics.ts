import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { GatewayEvents } from '../core/observe.js'

/** What the metrics read when scraped (nothing is counted on the request path for these). */
export interface MetricSources {
  /** False while the revocation bus may miss messages (Redis pub/sub reconnecting). */
  revocationBusLive?: () => boolean
  /** True while the rate-limit counters run in this process's memory because Redis is unavailable. */
  rateLimitFailedOver?: () => boolean
  /** Sockets open now, by dialect (the API whose WebSocket route accepted them). */
  openWebSockets?: () => Readonly<Record<string, number>>
}

/** Where a 503 came from: the dependency that could not answer. */
export type Dependency = 'postgres' | 'redis' | 'chain' | 'other'

export interface VerifyDecisionLabels {
  route: string
  outcome: 'allowed' | 'denied' | 'error'
  status: string
}

/** Requests counted since the last scrape, under fixed labels. */
export interface Tally<L> {
  readonly labels: L
  count: number
}

/** Latency buckets in seconds: sub-millisecond token checks up to slow chain calls. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/**
 * Sigil's Prometheus metrics in a registry of their own (not prom-client's global one: a test
 * process builds many apps). Every label has a small closed set of values (dialect ids, route
 * patterns, error codes, policy names), never a raw URL, address or account.
 */
export function createMetrics(sources: MetricSources = {}) {
  const registry = new Registry()
  const registers = [registry]
  let openWebSockets = sources.openWebSockets

  const signIns = new Counter({
    name: 'sigil_sign_ins_total',
    help: 'Sign-ins by API (dialect), credential (token|cookie), result (success|failure) and refusal code.',
    labelNames: ['dialect', 'credential', 'result', 'code'] as const,
    registers,
  })
  // Counted as plain numbers on the request path (the verify endpoint answers every request of a
  // trading API: prom-client's `inc` hashes the labels each time), handed over when scraped.
  const verifyTallies: Tally<VerifyDecisionLabels>[] = []
  const verifyDecisions = new Counter({
    name: 'sigil_verify_decisions_total',
    help: 'Answers of the verify endpoints (forward auth) by route, outcome (allowed|denied|error) and status.',
    labelNames: ['route', 'outcome', 'status'] as const,
    registers,
    collect() {
      for (const tally of verifyTallies) {
        if (tally.count === 0) continue
        this.inc(tally.labels, tally.count)
        tally.count = 0
      }
    },
  })
  const requestDuration = new Histogram({
    name: 'sigil_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status class (unmatched paths share one route).',
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  })
  const rateLimitDenials = new Counter({
    name: 'sigil_rate_limit_denials_total',
    help: 'Requests refused 429 by the rate limiter, by policy.',
    labelNames: ['policy'] as const,
    registers,
  })
  const connectionsRefused = new Counter({
    name: 'sigil_connections_refused_total',
    help: 'TCP connections closed on arrival because their client already held maxConnectionsPerIp.',
    registers,
  })
  const dependencyErrors = new Counter({
    name: 'sigil_dependency_errors_total',
    help: 'Requests answered 5xx 503 because a dependency could not answer (postgres, redis, chain, other).',
    labelNames: ['dependency'] as const,
    registers,
  })
  const revocationLag = new Histogram({
    name: 'sigil_revocation_bus_lag_seconds',
    help: 'Time from a session revocation on any replica to its application here.',
    buckets: LAG_BUCKETS,
    registers,
  })
  new Gauge({
    name: 'sigil_revocation_bus_live',
    help: '1 while the revocation bus delivers (always in one process); 0 while it may miss messages.',
    registers,
    collect() {
      this.set(sources.revocationBusLive?.() === false ? 0 : 1)
    },
  })
  new Gauge({
    name: 'sigil_rate_limit_failover',
    help: '1 while rate-limit counters run in process memory because Redis is unavailable.',
    registers,
    collect() {
      this.set(sources.rateLimitFailedOver?.() ? 1 : 0)
    },
  })
  new Gauge({
    name: 'sigil_websockets_open',
    help: 'WebSocket connections open now, by dialect (native, paradex).',
    labelNames: ['dialect'] as const,
    registers,
    collect() {
      this.reset()
      for (const [dialect, count] of Object.entries(openWebSockets?.() ?? {})) this.set({ dialect }, count)
    },
  })

  const events: GatewayEvents = {
    signIn({ via, credential, code }) {
      signIns.inc({ dialect: via, credential, result: code ? 'failure' : 'success', code: code ?? '' })
    },
    revocationApplied(lagMs) {
      revocationLag.observe(lagMs / 1000)
    },
  }

  return {
    registry,
    /** The observer core is given (GatewayDeps.events). */
    events,
    requestDuration,
    verifyDecisions,
    /**
     * A counter of verify decisions with these labels: add to `count`, it reaches
     * `sigil_verify_decisions_total` at the next scrape. Made once per label set, kept by the caller.
     */
    verifyDecisionTally(labels: VerifyDecisionLabels): Tally<VerifyDecisionLabels> {
      const tally = { labels, count: 0 }
      verifyTallies.push(tally)
      return tally
    },
    rateLimitDenied(policy: string) {
      rateLimitDenials.inc({ policy })
    },
    connectionRefused() {
      connectionsRefused.inc()
    },
    dependencyFailed(dependency: Dependency) {
      dependencyErrors.inc({ dependency })
    },
    /** The app's sockets by dialect, once it has WebSocket routes. */
    countWebSockets(count: () => Readonly<Record<string, number>>) {
      openWebSockets = count
    },
    /** Process metrics (CPU, memory, event-loop lag, GC) too: `sigil serve` only, not every test app. */
    collectProcessMetrics() {
      collectDefaultMetrics({ register: registry })
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>
