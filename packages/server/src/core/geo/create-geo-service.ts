import { AuthError } from '../errors.js'
import type { IpCountryDatabase } from '../ports.js'
import { type CountryCode, parseCountryCode } from './country-codes.js'
import { decideGeo, type GeoDecision, type GeoPolicy, geoBlockingEnabled } from './decide-geo.js'

export type { IpCountryDatabase } from '../ports.js'

/** Where a client's country came from: a trusted proxy's header, the IP database, or nowhere. */
export type GeoSource = 'proxy' | 'database' | 'none'

export interface GeoCheck {
  country: CountryCode | undefined
  source: GeoSource
  decision: GeoDecision
}

export interface GeoClient {
  /** The client IP (already resolved through trusted proxies by the transport). */
  ip: string
  /**
   * The country a trusted proxy stated for this request (several, comma-separated, when the header
   * was repeated); the transport passes it only from one.
   */
  proxyCountry?: string | undefined
}

export interface GeoService {
  /** False when nothing can be refused (no country blocked, unknown allowed): transports skip the check. */
  readonly enabled: boolean
  check(client: GeoClient): GeoCheck
}

export interface GeoServiceOptions extends GeoPolicy {
  database?: IpCountryDatabase
}

/**
 * Locates a client, then decides. The proxy's statement wins (it saw the real connection, possibly
 * through a CDN whose view is better than any file); a value that names no country (`XX`, `T1`,
 * empty) falls through to the database, and without an answer there the country is unknown.
 */
export function createGeoService({ database, ...policy }: GeoServiceOptions): GeoService {
  const locate = ({ ip, proxyCountry }: GeoClient): Pick<GeoCheck, 'country' | 'source'> => {
    // A repeated header arrives joined with commas. A proxy that appends rather than overwrites
    // leaves the client's own value in the list, so any blocked country in it decides.
    const stated = (proxyCountry ?? '')
      .split(',')
      .map(parseCountryCode)
      .filter((code): code is CountryCode => code !== undefined)
    if (stated.length > 0) {
      const blocked = stated.find((code) => !decideGeo(code, policy).allowed)
      return { country: blocked ?? stated[0], source: 'proxy' }
    }
    const found = database?.countryOf(ip)
    const country = found === undefined ? undefined : parseCountryCode(found)
    return country ? { country, source: 'database' } : { country: undefined, source: 'none' }
  }
  return {
    enabled: geoBlockingEnabled(policy),
    check(client) {
      const located = locate(client)
      return { ...located, decision: decideGeo(located.country, policy) }
    },
  }
}

/** The refusal of a blocked check; the country is public (it is the caller's own) and helps support. */
export function geoRefusal(check: GeoCheck): AuthError {
  const where = `country ${check.country ?? 'unknown'}`
  return new AuthError('GEO_BLOCKED', `${where} (${check.source})`, { detail: where })
}
