import type { IncomingHttpHeaders } from 'node:http'
import type { ForwardedRequest } from '../core/forward-auth/create-forward-auth.js'
import { parseRequestPath } from '../core/policy/request-path.js'
import { HTTP_TOKEN } from '../core/policy/route-policy.js'

/** The header pairs forward-auth proxies state the original request in. */
const FAMILIES = [
  // Traefik forwardAuth, Caddy forward_auth (and an Envoy config, see docs/gateway.md).
  { method: 'x-forwarded-method', uri: 'x-forwarded-uri' },
  // nginx auth_request (the names its documentation's examples set).
  { method: 'x-original-method', uri: 'x-original-uri' },
] as const

/** Longest original URI believed; beyond it the proxy (or the client) sent something else. */
const MAX_URI_LENGTH = 8192

/**
 * The original request a forward-auth proxy asks about, or why it cannot be read. Never guessed:
 * a missing, repeated or malformed method or URI is refused. Both families present and disagreeing
 * is refused too: a proxy overwrites the pair it sets, and a client could add the other one (nginx
 * passes client headers to the auth subrequest), so neither may be preferred.
 */
export function readForwardedRequest(headers: IncomingHttpHeaders): ForwardedRequest | { invalid: string } {
  const found: ForwardedRequest[] = []
  for (const family of FAMILIES) {
    const method = headers[family.method]
    const uri = headers[family.uri]
    if (method === undefined && uri === undefined) continue
    if (typeof method !== 'string' || typeof uri !== 'string')
      return { invalid: `${family.method} and ${family.uri} must come together, once each` }
    if (!HTTP_TOKEN.test(method)) return { invalid: `${family.method} is not an HTTP method` }
    if (uri.length > MAX_URI_LENGTH || parseRequestPath(uri) === undefined)
      return { invalid: `${family.uri} is not a well-formed origin-form path` }
    found.push({ method: method.toUpperCase(), uri })
  }
  const [first, second] = found
  if (first === undefined)
    return {
      invalid:
        'no original request (X-Forwarded-Method + X-Forwarded-Uri, or X-Original-Method + X-Original-URI)',
    }
  if (second !== undefined && (second.method !== first.method || second.uri !== first.uri))
    return { invalid: 'X-Forwarded-* and X-Original-* name different requests' }
  return first
}

/**
 * The original method alone, for the fixed-scope forms (`/v1/verify/read`, `/trade`), which judge
 * CSRF on it and need no URI: undefined when no proxy stated one. As strict as the pair: a list
 * (`GET, POST`, which is also what a repeated header arrives as) or anything else that is not one
 * HTTP token is refused, and so are both families naming different methods (neither is preferred:
 * a client can add the one its proxy does not set).
 */
export function readOriginalMethod(headers: IncomingHttpHeaders): string | undefined | { invalid: string } {
  let stated: string | undefined
  for (const family of FAMILIES) {
    const method = headers[family.method]
    if (method === undefined) continue
    if (typeof method !== 'string' || !HTTP_TOKEN.test(method))
      return { invalid: `${family.method} is not one HTTP method` }
    const upper = method.toUpperCase()
    if (stated !== undefined && stated !== upper)
      return { invalid: 'X-Forwarded-Method and X-Original-Method name different methods' }
    stated = upper
  }
  return stated
}
