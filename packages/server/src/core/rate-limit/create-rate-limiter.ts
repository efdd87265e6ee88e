/**
 * Rate limiting per client and route group: picks the bucket and the limit for a request, counts it
 * with one atomic `RateLimitStore.hit`, and decides with the pure `decideRateLimit`. The policy names
 * it returns are those of `RateLimit-Policy` / `RateLimit` in draft-ietf-httpapi-ratelimit-headers.
 */
import type { Clock } from '../clock.js'
import type { Identity } from '../identity.js'
import { clientKey } from '../network/ip-address.js'
import type { RateLimitStore } from '../ports.js'
import { decideRateLimit, type RateLimitDecision } from './decide-rate-limit.js'

/** Requests per minute of each tier (config: `rateLimit*PerMinute`). */
export interface RateLimitPolicy {
  signInPerMinute: number
  /** Per client IP, for the `'starknet'` group. */
  starknetPerMinute: number
  /** Server-wide, for the `'starknet'` group: load shedding, shared fairly (globalSharePercent). */
  starknetGlobalPerSecond: number
  /**
   * The most of a server-wide budget one client may take per window, in percent (default 25):
   * a request past its client's share is refused and not counted in the server-wide budget.
   */
  globalSharePercent?: number
  /** Per client IP, for the `'chain'` group (sign-ins that need a chain node). */
  chainRpcPerMinute?: number
  anonymousPerMinute: number
  accountPerMinute: number
  apiKeyPerMinute: number
}

/**
 * `'sign-in'`: nonce, SIWE, refresh. `'starknet'`: unauthenticated routes that run tens of
 * milliseconds of synchronous curve and Pedersen work (Paradex onboarding and auth). `'api'`:
 * everything else that is limited. `'chain'`: not a route group but a second budget of a sign-in
 * that needs RPC calls (contract wallets), counted when it reaches that step.
 */
export type RateLimitGroup = 'sign-in' | 'starknet' | 'api' | 'chain'

/** The quota policy a request was held to, as named in the IETF fields. */
export type RateLimitPolicyName =
  | 'sign-in'
  | 'starknet'
  | 'starknet-global'
  | 'starknet-global-share'
  | 'chain'
  | 'anonymous'
  | 'account'
  | 'api-key'

export interface RateLimitRequest {
  group: RateLimitGroup
  /** The client address after trusted-proxy resolution. */
  ip: string
  /** The checked credential's identity; null when there was none or it failed. */
  identity: Identity | null
}

export type RateLimitOutcome = RateLimitDecision & {
  policyName: RateLimitPolicyName
  /** The counter the request was counted in (it holds an IP or an account id: logs only). */
  bucket: string
  windowSeconds: number
}

export interface RateLimiter {
  /** Counts the request (denied requests count too) and decides it. */
  check(request: RateLimitRequest): Promise<RateLimitOutcome>
}

const WINDOW_MS = 60_000
const COST = 1
const GLOBAL_WINDOW_MS = 1000
/** A server-wide budget: its counter, and the policy names of it and of a client's share of it. */
interface GlobalBudget {
  bucket: string
  policyName: RateLimitPolicyName
  sharePolicyName: RateLimitPolicyName
}
const STARKNET_GLOBAL: GlobalBudget = {
  bucket: 'starknet:global',
  policyName: 'starknet-global',
  sharePolicyName: 'starknet-global-share',
}

/**
 * Creates the limiter. The model:
 *
 * - `'sign-in'` routes: every request counts in `sign-in:ip:<ip>`, limit `signInPerMinute`, whatever
 *   credential it carries: these routes come before any identity (a refresh token is checked by the
 *   handler, after this), so the client address is the only key that exists for all of them.
 * - `'api'` routes without an identity: `api:ip:<ip>`, limit `anonymousPerMinute`. A credential that
 *   failed lands here too, and so does any request the route refuses (the transport hands no
 *   identity for it: CSRF, scope, route policy), so refused requests spend the client's
 *   anonymous budget, never the account's.
 * - `'api'` routes with an identity: one bucket per account AND credential class,
 *   `api:account:<accountId>:<session|api-key>:<trade|read>`. The class is what the credential is
 *   (a wallet session: JWT, cookie or session value; or an API key) and what it may do (trade, or
 *   read only). Every credential of a class shares its bucket, so minting more keys buys no more
 *   throughput; and no credential can spend another class's budget, so a read-only key (handed
 *   to a dashboard, say) cannot starve the account's trading keys, nor its owner's session.
 *   Limit: `apiKeyPerMinute` for API keys (bots), `accountPerMinute` for sessions.
 * - `'starknet'` routes: `starknet:ip:<ip>`, limit `starknetPerMinute`; a request within it is
 *   then held to the server-wide budget (below).
 *
 * Server-wide budgets (`starknet:global`, 1 s window, limit `starknetGlobalPerSecond`) shed a
 * distributed flood, and must stay fair: before a request counts there, it counts in its client's
 * share of it (`starknet:global:share:<ip>`, same window, `globalSharePercent` of the limit, at least 1).
 * A request past its share is refused (`starknet-global-share`) without touching the global
 * count, so one client holds at most its share of the global budget and the others keep the rest.
 *
 * Windows are 60 s (1 s for server-wide budgets), evaluated as a sliding-window counter; each
 * request costs 1. Clients are IPv4 addresses or IPv6 /64s.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter(stores.rateLimits, systemClock, {
 *   signInPerMinute: 300, starknetPerMinute: 60, starknetGlobalPerSecond: 40,
 *   anonymousPerMinute: 120, accountPerMinute: 600, apiKeyPerMinute: 1200,
 * })
 * const outcome = await limiter.check({ group: 'api', ip: request.ip, identity: request.identity })
 * if (!outcome.allowed) // 429, Retry-After: outcome.retryAfterSeconds
 * ```
 */
export function createRateLimiter(store: RateLimitStore, clock: Clock, policy: RateLimitPolicy): RateLimiter {
  const sharePercent = policy.globalSharePercent ?? 25

  function select({ group, ip, identity }: RateLimitRequest & { ip: string }) {
    if (group === 'sign-in')
      return { bucket: `sign-in:ip:${ip}`, limit: policy.signInPerMinute, policyName: 'sign-in' as const }
    if (group === 'chain')
      return { bucket: `chain:ip:${ip}`, limit: policy.chainRpcPerMinute ?? 30, policyName: 'chain' as const }
    if (group === 'starknet')
      return { bucket: `starknet:ip:${ip}`, limit: policy.starknetPerMinute, policyName: 'starknet' as const }
    if (!identity)
      return { bucket: `api:ip:${ip}`, limit: policy.anonymousPerMinute, policyName: 'anonymous' as const }
    const power = identity.scopes.includes('trade') ? 'trade' : 'read'
    return identity.via === 'api_key'
      ? {
          bucket: `api:account:${identity.accountId}:api-key:${power}`,
          limit: policy.apiKeyPerMinute,
          policyName: 'api-key' as const,
        }
      : {
          bucket: `api:account:${identity.accountId}:session:${power}`,
          limit: policy.accountPerMinute,
          policyName: 'account' as const,
        }
  }

  async function count(
    bucket: string,
    limit: number,
    windowMs: number,
    now: number,
    policyName: RateLimitPolicyName,
  ): Promise<RateLimitOutcome> {
    const counts = await store.hit(bucket, windowMs, now, COST)
    const decision = decideRateLimit({ counts, limit, windowMs, now })
    return { ...decision, policyName, bucket, windowSeconds: windowMs / 1000 }
  }

  /**
   * A server-wide budget, spent fairly: the client's share first (refused past it, the global
   * count untouched), then the global count itself.
   */
  async function spendGlobal(budget: GlobalBudget, perSecond: number, ip: string, now: number) {
    const share = Math.max(1, Math.floor((perSecond * sharePercent) / 100))
    const own = await count(
      `${budget.bucket}:share:${ip}`,
      share,
      GLOBAL_WINDOW_MS,
      now,
      budget.sharePolicyName,
    )
    if (!own.allowed) return own
    return count(budget.bucket, perSecond, GLOBAL_WINDOW_MS, now, budget.policyName)
  }

  return {
    async check(request) {
      // IPv6 clients count by /64: one subscriber can rotate through a whole /64 at will.
      const ip = clientKey(request.ip)
      const { bucket, limit, policyName } = select({ ...request, ip })
      // One reading of the clock for every count and decision, so they agree on the windows.
      const now = clock.now()
      const outcome = await count(bucket, limit, WINDOW_MS, now, policyName)
      if (request.group !== 'starknet' || !outcome.allowed) return outcome
      // The client is within its own budget; the server-wide one sheds a distributed flood. A
      // request refused per IP never reaches it.
      const global = await spendGlobal(STARKNET_GLOBAL, policy.starknetGlobalPerSecond, ip, now)
      return global.allowed ? outcome : global
    },
  }
}
