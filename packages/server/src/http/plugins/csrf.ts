import type { IncomingHttpHeaders } from 'node:http'

/**
 * CSRF defence for cookie-authenticated requests (OWASP: verify the origin with standard
 * headers). SameSite=Lax is defence in depth, not the control: an unsafe method on a cookie needs
 * positive evidence that the page making the request is ours: an `Origin` in the allowed list,
 * or, from browsers that omit Origin, `Sec-Fetch-Site: same-origin`. Bearer and API-key requests
 * are exempt: a browser never attaches those on its own.
 */
export function isSameOriginRequest(
  headers: IncomingHttpHeaders,
  allowedOrigins: readonly string[],
): boolean {
  const origin = headers.origin
  if (origin !== undefined) return allowedOrigins.includes(origin)
  return headers['sec-fetch-site'] === 'same-origin'
}

/**
 * Login CSRF: a cross-site page must not be able to sign the victim's browser into the attacker's
 * account (spec/siwe.md §6.17). A request that says where it comes from must come from us; a
 * non-browser client that sends neither header is not a browser and cannot be a CSRF vector.
 */
export function isCrossSiteBrowserRequest(
  headers: IncomingHttpHeaders,
  allowedOrigins: readonly string[],
): boolean {
  if (headers.origin !== undefined) return !allowedOrigins.includes(headers.origin)
  const site = headers['sec-fetch-site']
  return site === 'cross-site' || site === 'same-site'
}

/** The methods that only read (RFC 9110 safe, and what a browser sends without a preflight). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Unsafe unless known to be safe: PROPPATCH, a made-up `FOO`, `TRACE` or a list (`GET, POST`) all
 * count as unsafe, so a method nobody listed can never skip the CSRF check. Compared as sent
 * (upper case); callers upper-case first where they fold case.
 */
export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method)
}
