import type { IncomingHttpHeaders } from 'node:http'
import type { Identity } from '../../../core/identity.js'
import { identityHeaders } from '../../identity-headers.js'

/**
 * Never forwarded: credentials (the backend trusts Sigil's `x-sigil-*` headers instead, and a
 * token that reached it could be replayed by anyone who reads its logs), hop-by-hop headers that
 * mean nothing to another connection (undici refuses some of them), and forwarding headers a
 * client could use to lie about its address. Names are lower case, as Node gives them.
 */
const DROPPED = new Set([
  'authorization',
  'cookie',
  'x-api-key',
  'proxy-authorization',
  'forwarded',
  'x-real-ip',
  'upgrade',
  'expect',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
])

/** What Sigil vouches for about the caller, on top of the identity. */
export interface Caller {
  /** Client first, then the proxies Sigil trusts (`trustedProxies`), then Sigil's own peer. */
  forwardedFor: string
  proto: string
  /** GET and HEAD: Fastify reads no body, so a stated length would be a lie to the backend. */
  bodyless: boolean
}

/**
 * The request headers the upstream sees: the client's, minus anything it could spoof, plus the
 * identity exactly as the verify endpoint states it (`x-sigil-account-id`, `x-sigil-credential`,
 * `x-sigil-scopes`) and the accounts it may act for (`x-sigil-acting-accounts`, its own first).
 */
export function upstreamHeaders(
  headers: IncomingHttpHeaders,
  /** Undefined on a public path: the backend then sees no identity header at all. */
  identity: Identity | undefined,
  caller: Caller,
): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    // An underscore is refused outright, as nginx does by default (underscores_in_headers off):
    // CGI-style backends read `X_Sigil_Account_Id` as `HTTP_X_SIGIL_ACCOUNT_ID`, the very key of
    // the identity header (the header-smuggling class of Puma's CVE-2024-45614).
    if (name.includes('_')) continue
    if (DROPPED.has(name) || name.startsWith('x-sigil-') || name.startsWith('x-forwarded-')) continue
    if (caller.bodyless && (name === 'content-length' || name === 'transfer-encoding')) continue
    out[name] = value
  }
  if (identity) Object.assign(out, identityHeaders(identity))
  out['x-forwarded-for'] = caller.forwardedFor
  out['x-forwarded-proto'] = caller.proto
  return out
}

/**
 * The path to forward (`/v1/…`, query excluded), or undefined when the raw path is not plainly
 * under `<prefix>/v1/`: a dot segment or an encoded slash or backslash, which the backend might
 * resolve to a path outside `/v1` (or outside its base path) that Sigil never agreed to expose.
 */
export function upstreamPath(url: string, prefix: string): string | undefined {
  const query = url.indexOf('?')
  const path = query === -1 ? url : url.slice(0, query)
  if (!path.startsWith(`${prefix}/v1/`)) return undefined
  const below = path.slice(prefix.length)
  for (const segment of below.split('/')) {
    let decoded: string
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      return undefined
    }
    if (decoded === '.' || decoded === '..' || /[/\\]/.test(decoded)) return undefined
  }
  return below
}
