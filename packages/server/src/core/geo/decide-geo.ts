import type { CountryCode } from './country-codes.js'

/** What the operator blocks: the countries, and whether a client of unknown country is let in. */
export interface GeoPolicy {
  blockedCountries: ReadonlySet<CountryCode>
  blockUnknown: boolean
}

export type GeoDecision =
  | { allowed: true }
  | { allowed: false; reason: 'country_blocked' | 'country_unknown' }

/** Geo blocking is on as soon as it could refuse anyone. */
export const geoBlockingEnabled = (policy: GeoPolicy) =>
  policy.blockedCountries.size > 0 || policy.blockUnknown

/** The whole rule, pure: a country (undefined when no source could tell it) → allowed or blocked. */
export function decideGeo(country: CountryCode | undefined, policy: GeoPolicy): GeoDecision {
  if (country === undefined)
    return policy.blockUnknown ? { allowed: false, reason: 'country_unknown' } : { allowed: true }
  return policy.blockedCountries.has(country)
    ? { allowed: false, reason: 'country_blocked' }
    : { allowed: true }
}
