import type { Access, RouteRule } from './route-policy.js'

/**
 * The rules of an upstream that serves some GET paths to anyone and everything else under its base
 * to a credential, as Paradex's market data below `/v1`:
 * `publicPathsPolicy('/v1', ['markets', 'bbo/{market}'], 'read')` is
 * `GET /v1/markets` and `GET /v1/bbo/{market}` public (HEAD too), then `/v1/*` (any method) `read`.
 * `rest: 'read-or-trade'`: the rest needs `read` for GET, HEAD and OPTIONS and `trade` otherwise.
 *
 * Paths are relative to `base` (no leading `/`) in the pattern grammar of path-pattern.ts; `base` is
 * absolute or empty, and a trailing `/` on it is ignored. Paths outside `base` (and `base` itself) are
 * named by no rule, so they are denied. Nothing is validated here: compileRoutePolicy does it, and
 * its reason names the offending rule (path `i` is rule `i`).
 */
export function publicPathsPolicy(
  base: string,
  paths: readonly string[],
  rest: Access | 'read-or-trade',
): RouteRule[] {
  const prefix = base.endsWith('/') ? base.slice(0, -1) : base
  const everything = `${prefix}/*`
  return [
    ...paths.map((path): RouteRule => ({ methods: ['GET'], path: `${prefix}/${path}`, access: 'public' })),
    // What a policy-less gateway does: reads (GET, HEAD, OPTIONS) need `read`, the rest `trade`.
    ...(rest === 'read-or-trade'
      ? [
          { methods: ['GET', 'OPTIONS'], path: everything, access: 'read' } as const,
          { path: everything, access: 'trade' } as const,
        ]
      : [{ path: everything, access: rest }]),
  ]
}
