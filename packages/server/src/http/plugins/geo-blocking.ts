import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Gateway } from '../../core/gateway.js'
import { type GeoCheck, type GeoService, geoRefusal } from '../../core/geo/create-geo-service.js'
import { clientKey } from '../../core/network/ip-address.js'
import { createIpAllowlist, normalizeIpRange } from '../../core/network/ip-allowlist.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Geo blocking of the route. Absent: enforced, before any other work (sign-in, credentials,
     * the verify endpoint, the proxy: everything a blocked client could use). `'open'`: never
     * checked (health, key documents, OpenAPI, Paradex's system config: public facts a client needs
     * to even learn it is blocked). `'deferred'`: located, and the handler enforces (the Paradex
     * WebSocket, whose `auth` answers 40112).
     */
    geo?: 'open' | 'deferred'
  }
  interface FastifyRequest {
    /** Where the client is and whether it may pass; null when geo blocking is off or the route is open. */
    geo: GeoCheck | null
  }
}

export interface GeoBlockingOptions {
  geo: GeoService
  /** Header a front proxy sets to the client's country (lower case); believed only from `trustedProxies`. */
  countryHeader?: string | undefined
  trustedProxies: readonly string[]
  /** Told of every refusal the hook makes (the app samples these into the audit log); must not throw. */
  onDenied?(request: FastifyRequest, check: GeoCheck): void
}

/**
 * Installs the geo `onRequest` hook, FIRST of the security hooks: deciding costs a header read or
 * one in-memory binary search, it does not depend on who the caller is, and a blocked client then
 * costs no credential check (no JWT verification, no API-key or cookie read) and no rate-limit
 * count. With geo blocking off (no country blocked, unknown allowed) no hook is installed.
 *
 * The country header is believed only when the socket peer itself (not X-Forwarded-For) is a
 * trusted proxy: anyone else could set it to any country.
 */
export function registerGeoBlocking(app: FastifyInstance, options: GeoBlockingOptions) {
  app.decorateRequest('geo', null)
  const { geo, countryHeader, onDenied } = options
  if (!geo.enabled) return
  const ranges = options.trustedProxies.map(normalizeIpRange).filter((range) => range !== undefined)
  // An empty allowlist allows everyone: without proxies, nobody's header counts.
  const proxies = ranges.length > 0 ? createIpAllowlist(ranges) : { allows: () => false }

  const proxyCountry = (request: FastifyRequest): string | undefined => {
    if (countryHeader === undefined) return undefined
    const peer = request.socket.remoteAddress
    if (peer === undefined || !proxies.allows(peer)) return undefined
    const value = request.headers[countryHeader]
    // Repeated, it is one comma-joined string (or an array): the geo service weighs every value.
    return Array.isArray(value) ? value.join(',') : value
  }

  // A callback hook (the check is synchronous): every request passes here, at the cost of no promise.
  app.addHook('onRequest', (request, _reply, done) => {
    const mode = request.routeOptions.config.geo
    // Nothing is behind an unknown path; the 404 says no more to a blocked client than to anyone.
    if (mode === 'open' || request.is404) return done()
    const check = geo.check({ ip: request.ip, proxyCountry: proxyCountry(request) })
    request.geo = check
    if (mode === 'deferred' || check.decision.allowed) return done()
    try {
      onDenied?.(request, check)
    } catch (error) {
      request.log.error({ err: error }, 'geo onDenied failed')
    }
    // Passed on, so the route's own error handler renders it: problem details natively, the venue's body in a dialect.
    done(geoRefusal(check))
  })
}

/** One audit event per client IP per sampling window: a blocked region hammering Sigil cannot flood the log. */
export function recordGeoDenial(
  gateway: Pick<Gateway, 'recordDenial'>,
  request: FastifyRequest,
  check: GeoCheck,
) {
  if (check.decision.allowed) return
  void gateway
    .recordDenial(`geo:${clientKey(request.ip)}`, {
      type: 'geo.denied',
      ip: request.ip,
      detail: {
        country: check.country ?? 'unknown',
        source: check.source,
        reason: check.decision.reason,
        route: request.routeOptions.url ?? 'unknown',
      },
    })
    .catch((error: unknown) => request.log.error({ err: error }, 'audit write failed'))
}
