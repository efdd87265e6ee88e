import { isUri, parseAuthority } from '@sigil/protocol'
import { type CountryCode, parseCountryCode } from './core/geo/country-codes.js'
import { normalizeIpRange } from './core/network/ip-allowlist.js'
import type { Dialect } from './http/dialects/define-dialect.js'

/** Paths of the app itself, whatever the dialects. */
const APP_PATHS = ['/.well-known', '/healthz', '/openapi.json']

const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`)

/**
 * APIs must not mount over each other or over the app's own paths. An API at a non-empty prefix
 * holds that prefix; one at the root holds its `rootPaths`. Each problem is reported on the later
 * dialect of the registry (Sigil's own API comes first).
 */
export function checkMounts(mounted: readonly { dialect: Dialect; prefix: string }[], problems: string[]) {
  const holds = ({ dialect, prefix }: { dialect: Dialect; prefix: string }) =>
    prefix === '' ? (dialect.rootPaths ?? []) : [prefix]
  for (const [index, current] of mounted.entries()) {
    const key = `${current.dialect.id}.prefix`
    const shown = current.prefix === '' ? '""' : current.prefix
    for (const path of holds(current)) {
      const own = APP_PATHS.find((p) => overlaps(path, p))
      if (own) problems.push(`${key}: ${shown} overlaps the app's own ${own}`)
      for (const earlier of mounted.slice(0, index)) {
        const taken = holds(earlier).find((p) => overlaps(path, p))
        if (taken === undefined) continue
        if (current.prefix !== '' && current.prefix === earlier.prefix)
          problems.push(`${key}: the same prefix as ${earlier.dialect.id}.prefix`)
        else if (current.prefix === '')
          problems.push(
            `${key}: "" mounts ${path} over the ${earlier.dialect.id} API (give one of them a prefix, e.g. native.prefix: /sigil)`,
          )
        else problems.push(`${key}: ${shown} overlaps the ${earlier.dialect.id} API`)
      }
    }
  }
}

/** A SIWE binding that no message can satisfy must stop the server, not refuse every sign-in. */
export function checkBinding(
  keys: { domain: string; uri: string },
  binding: { domain: string; uri: string },
  scheme: string,
  problems: string[],
) {
  const authority = parseAuthority(binding.domain)
  const port = authority?.port
  if (
    !authority ||
    authority.userinfo !== undefined ||
    authority.host === '' ||
    port === '' ||
    Number(port) > 65535
  ) {
    problems.push(`${keys.domain}: must be an RFC 3986 authority (host[:port]) without userinfo or path`)
  }
  if (!isUri(binding.uri)) problems.push(`${keys.uri}: must be an RFC 3986 URI`)
  else if (!binding.uri.startsWith(`${scheme}:`))
    problems.push(`${keys.uri}: must use the public URL's scheme (${scheme})`)
}

/**
 * Geo blocking fails closed at start, never open at run time: a code that names no country (`UK`
 * for GB) would block nobody, a header from no trusted proxy would never be believed, and a
 * blocklist with no way to locate anyone would refuse nobody (or, with geoBlockUnknown, everyone).
 */
export function checkGeo(
  input: {
    geoBlockedCountries: readonly string[]
    geoBlockUnknown: boolean
    geoCountryHeader?: string | undefined
    geoIpDatabase?: string | undefined
    trustedProxies: readonly string[]
  },
  problems: string[],
): CountryCode[] {
  const codes: CountryCode[] = []
  for (const [i, text] of input.geoBlockedCountries.entries()) {
    const code = parseCountryCode(text)
    if (code) codes.push(code)
    else
      problems.push(
        `geoBlockedCountries/${i}: ${JSON.stringify(text)} is not an ISO 3166-1 alpha-2 country code${text.toUpperCase() === 'UK' ? ' (the United Kingdom is GB)' : ''}`,
      )
  }
  if (input.geoCountryHeader !== undefined && input.trustedProxies.length === 0)
    problems.push('geoCountryHeader: needs trustedProxies (the header is believed only from them)')
  const on = input.geoBlockedCountries.length > 0 || input.geoBlockUnknown
  if (on && input.geoCountryHeader === undefined && input.geoIpDatabase === undefined) {
    const key = input.geoBlockedCountries.length > 0 ? 'geoBlockedCountries' : 'geoBlockUnknown'
    problems.push(`${key}: set, but neither geoCountryHeader nor geoIpDatabase can tell a client's country`)
  }
  return [...new Set(codes)]
}

export function checkTrustedProxies(proxies: readonly string[], problems: string[]) {
  for (const [i, proxy] of proxies.entries()) {
    const range = normalizeIpRange(proxy)
    if (!range) problems.push(`trustedProxies/${i}: not an IP address or CIDR range`)
    // Trusting every address is believing X-Forwarded-For from anyone: the header would pick the IP.
    else if (range.endsWith('/0')) problems.push(`trustedProxies/${i}: a /0 range would trust every client`)
  }
}

/** Node refuses a headers timeout longer than the whole request's (the headers are part of it). */
export function checkTimeouts(
  input: { headersTimeoutSeconds: number; requestTimeoutSeconds: number },
  problems: string[],
) {
  if (input.headersTimeoutSeconds > input.requestTimeoutSeconds)
    problems.push(
      `headersTimeoutSeconds: ${input.headersTimeoutSeconds} is longer than requestTimeoutSeconds (${input.requestTimeoutSeconds}), which includes the headers`,
    )
}

/** `metricsAllowFrom`: addresses or CIDR ranges, normalised, or a problem naming the entry. */
export function checkMetricsAllowFrom(ranges: readonly string[], problems: string[]): string[] {
  const normalised: string[] = []
  for (const [i, text] of ranges.entries()) {
    const range = normalizeIpRange(text)
    if (range) normalised.push(range)
    else problems.push(`metricsAllowFrom/${i}: not an IP address or CIDR range`)
  }
  return normalised
}
