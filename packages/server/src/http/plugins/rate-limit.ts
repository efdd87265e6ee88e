/**
 * Rate-limit fields on HTTP responses, in two families:
 *
 * - the IETF fields of draft-ietf-httpapi-ratelimit-headers (-10), as structured-field lists:
 *   `RateLimit-Policy: "account";q=600;w=60` (quota, window in seconds) and
 *   `RateLimit: "account";r=599;t=42` (remaining, seconds until reset);
 * - the legacy `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`, where Reset is
 *   SECONDS UNTIL the window rolls over (as `@fastify/rate-limit` sends it), not a Unix time (GitHub's).
 *
 * A denied request gets 429 `RATE_LIMITED` as problem details, with `Retry-After` in whole seconds.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AuthError } from '../../core/errors.js'
import type {
  RateLimiter,
  RateLimitGroup,
  RateLimitOutcome,
} from '../../core/rate-limit/create-rate-limiter.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's rate-limit group; absent means `'api'`, `'none'` opts out (health checks). */
    rateLimit?: RateLimitGroup | 'none'
  }
}

export interface RateLimitPluginOptions {
  limiter: RateLimiter
  /** `rateLimits: 'off'` in config: no hook is installed at all. */
  enabled: boolean
  /** Told of every denied request (the app samples these into the audit log); must not throw. */
  onDenied?(request: FastifyRequest, decision: RateLimitOutcome): void
}

/**
 * Installs the `onRequest` hook that counts and decides every limited request. Register it AFTER
 * the hook that identifies the caller and decides whether the route admits it: `request.identity`
 * must already be set, null when there was no credential, it failed, or the request is refused
 * (which then counts against the client IP, not the account whose credential it carried).
 *
 * A denied request is answered from the hook itself, before the body is read, so it costs one counter
 * hit and nothing else: no nonce minted, no signature checked, no handler run.
 *
 * @example
 * ```ts
 * registerIdentification(app, { gateway, cookies, allowedOrigins }) // sets request.identity
 * registerRateLimit(app, {
 *   limiter: createRateLimiter(stores.rateLimits, clock, policy),
 *   enabled: config.rateLimits === 'on',
 *   onDenied: (request, decision) => audit.sample(request, decision),
 * })
 * app.get('/healthz', { config: { auth: 'public', rateLimit: 'none' } }, health)
 * app.post('/v1/auth/siwe', { config: { auth: 'public', rateLimit: 'sign-in' } }, signIn)
 * ```
 */
export function registerRateLimit(app: FastifyInstance, options: RateLimitPluginOptions) {
  if (!options.enabled) return
  const { limiter, onDenied } = options

  app.addHook('onRequest', async (request, reply) => {
    const group = request.routeOptions.config.rateLimit ?? 'api'
    if (group === 'none') return
    // No route matched: nobody vouched for the caller on a path that does not exist, so count by IP.
    const identity = request.is404 ? null : request.identity
    const outcome = await limiter.check({ group, ip: request.ip, identity })

    reply.header('x-ratelimit-limit', outcome.limit)
    reply.header('x-ratelimit-remaining', outcome.remaining)
    reply.header('x-ratelimit-reset', outcome.resetSeconds)
    reply.header('ratelimit-policy', `"${outcome.policyName}";q=${outcome.limit};w=${outcome.windowSeconds}`)
    reply.header('ratelimit', `"${outcome.policyName}";r=${outcome.remaining};t=${outcome.resetSeconds}`)
    if (outcome.allowed) return

    try {
      onDenied?.(request, outcome)
    } catch (error) {
      // Auditing a refusal must not turn it into a 500: the 429 still goes out.
      request.log.error({ err: error }, 'rate-limit onDenied failed')
    }
    reply.header('retry-after', outcome.retryAfterSeconds ?? 1)
    // Throwing ends the request here (no later hook, body parser or handler runs) and lets the
    // route's own error handler render the 429: problem details natively, a venue's body in a dialect.
    throw new AuthError('RATE_LIMITED', outcome.bucket)
  })
}
