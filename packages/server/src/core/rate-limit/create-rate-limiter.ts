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
  /** Server-wide, for the `'starknet'` group: load shedding, not fairness. */
  starknetGlobalPerSecond: number
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
const GLOBAL_STARKNET_BUCKET = 'starknet:global'

/**
 * Creates the limiter. The model:
 *
 * - `'sign-in'` routes: every request counts in `sign-in:ip:<ip>`, limit `signInPerMinute`, whatever
 *   credential it carries: these routes come before any identity (a refresh token is checked by the
 *   handler, after this), so the client address is the only key that exists for all of them.
 * - `'api'` routes without an identity: `api:ip:<ip>`, limit `anonymousPerMinute`. A credential that
 *   failed lands here too, so a flood of bad tokens is held to the anonymous budget of its IP.
 * - `'api'` routes with an identity: ONE bucket per account, `api:account:<accountId>`, shared by its
 *   cookie, its JWTs and every one of its API keys, so minting more keys buys no more throughput. The
 *   limit applied to that shared count depends on the credential in hand: `apiKeyPerMinute` for an
 *   API key (bots), `accountPerMinute` otherwise.
 *
 * - `'starknet'` routes: `starknet:ip:<ip>`, limit `starknetPerMinute`; a request within it is
 *   then counted in the one server-wide `starknet:global` bucket (1 s window, limit
 *   `starknetGlobalPerSecond`) and shed when that is spent.
 *
 * The window is 60 s (1 s for the global bucket), evaluated as a sliding-window counter; each
 * request costs 1.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter(stores.rateLimits, systemClock, {
 *   signInPerMinute: 300, anonymousPerMinute: 120, accountPerMinute: 600, apiKeyPerMinute: 1200,
 * })
 * const outcome = await limiter.check({ group: 'api', ip: request.ip, identity: request.identity })
 * if (!outcome.allowed) // 429, Retry-After: outcome.retryAfterSeconds
 * ```
 */
export function createRateLimiter(store: RateLimitStore, clock: Clock, policy: RateLimitPolicy): RateLimiter {
  function select({ group, ip: address, identity }: RateLimitRequest) {
    // IPv6 clients count by /64: one subscriber can rotate through a whole /64 at will.
    const ip = clientKey(address)
    if (group === 'sign-in')
      return { bucket: `sign-in:ip:${ip}`, limit: policy.signInPerMinute, policyName: 'sign-in' as const }
    if (group === 'chain')
      return { bucket: `chain:ip:${ip}`, limit: policy.chainRpcPerMinute ?? 30, policyName: 'chain' as const }
    if (group === 'starknet')
      return { bucket: `starknet:ip:${ip}`, limit: policy.starknetPerMinute, policyName: 'starknet' as const }
    if (!identity)
      return { bucket: `api:ip:${ip}`, limit: policy.anonymousPerMinute, policyName: 'anonymous' as const }
    const bucket = `api:account:${identity.accountId}`
    return identity.via === 'api_key'
      ? { bucket, limit: policy.apiKeyPerMinute, policyName: 'api-key' as const }
      : { bucket, limit: policy.accountPerMinute, policyName: 'account' as const }
  }

  return {
    async check(request) {
      const { bucket, limit, policyName } = select(request)
      // One reading of the clock for both the count and the decision, so they agree on the window.
      const now = clock.now()
      const counts = await store.hit(bucket, WINDOW_MS, now, COST)
      const decision = decideRateLimit({ counts, limit, windowMs: WINDOW_MS, now })
      const outcome = { ...decision, policyName, bucket, windowSeconds: WINDOW_MS / 1000 }
      if (request.group !== 'starknet' || !decision.allowed) return outcome
      // The client is within its own budget; the server-wide one sheds a distributed flood. A
      // request refused per IP never reached this count, so one client cannot spend it all alone.
      const global = await store.hit(GLOBAL_STARKNET_BUCKET, GLOBAL_WINDOW_MS, now, COST)
      const shed = decideRateLimit({
        counts: global,
        limit: policy.starknetGlobalPerSecond,
        windowMs: GLOBAL_WINDOW_MS,
        now,
      })
      if (shed.allowed) return outcome
      return {
        ...shed,
        policyName: 'starknet-global',
        bucket: GLOBAL_STARKNET_BUCKET,
        windowSeconds: GLOBAL_WINDOW_MS / 1000,
      }
    },
  }
}
