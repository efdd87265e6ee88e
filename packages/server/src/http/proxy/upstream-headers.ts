import type { IncomingHttpHeaders } from 'node:http'
import type { Identity } from '../../core/identity.js'
import { identityHeaders } from '../identity-headers.js'

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

/**
 * Headers some backends (or the frameworks under them) read as the request's real method, path or
 * host, overriding the one Sigil decided the scope on: a read key's `POST` with
 * `X-HTTP-Method-Override: DELETE`, a public path with `X-Original-URL: /admin`. The one list:
 * every proxy mode Sigil runs strips them (and the whole `X-Forwarded-*` and `X-Original-*`
 * families besides), and the nginx and Caddy configurations of docs/gateway.md (and the tests that
 * run them) clear exactly these names.
 */
export const OVERRIDE_HEADERS = [
  // The method. Rack::MethodOverride (Rails, Sinatra), Symfony and Laravel, Express
  // method-override, ASP.NET Core UseHttpMethodOverride, gorilla/handlers read the first;
  // OData and Microsoft services the second; Google APIs and method-override's docs the third.
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'x-original-method',
  'x-forwarded-method',
  // The path. IIS URL Rewrite and ISAPI_Rewrite, read by Symfony < 5 and Zend/Laminas; nginx
  // auth_request examples and Traefik/Caddy forward auth; Spring, ASP.NET Core and werkzeug's
  // ProxyFix take a prefix; WSGI recipes a script name.
  'x-original-url',
  'x-rewrite-url',
  'x-original-uri',
  'x-forwarded-uri',
  'x-forwarded-prefix',
  'x-forwarded-path',
  'x-script-name',
  // The host (links, redirects, virtual hosts): ASP.NET Core, Symfony/Django behind proxies, others.
  'x-original-host',
  'x-forwarded-host',
  'x-forwarded-server',
  'x-host',
  'x-http-host-override',
] as const

const OVERRIDES: ReadonlySet<string> = new Set(OVERRIDE_HEADERS)

/** What Sigil vouches for about the caller, on top of the identity. */
export interface Caller {
  /** Client first, then the proxies Sigil trusts (`trustedProxies`), then Sigil's own peer. */
  forwardedFor: string
  proto: string
  /** GET and HEAD: Fastify reads no body, so a stated length would be a lie to the backend. */
  bodyless: boolean
  /**
   * Undefined: the Cookie header is dropped whole (Paradex: the backend has no cookies of its own).
   * A list of names: only those cookies go (Sigil's sessions), the backend's own cookies pass.
   */
  sessionCookies?: readonly string[]
}

/** The Cookie header without the named cookies; undefined when nothing is left. */
export function withoutCookies(header: string, names: readonly string[]): string | undefined {
  const kept = header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && !names.includes(pair.split('=', 1)[0]!.trim()))
  return kept.length === 0 ? undefined : kept.join('; ')
}

/**
 * The request headers the upstream sees: the client's, minus anything it could spoof, plus the
 * identity exactly as the verify endpoint states it (`x-sigil-account`, `x-sigil-credential`,
 * `x-sigil-scope`) and the accounts it may act for (`x-sigil-acting-accounts`, its own first).
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
    // CGI-style backends read `X_Sigil_Account` as `HTTP_X_SIGIL_ACCOUNT`, the very key of
    // the identity header (the header-smuggling class of Puma's CVE-2024-45614).
    if (name.includes('_')) continue
    if (DROPPED.has(name) || OVERRIDES.has(name)) continue
    if (name.startsWith('x-sigil-') || name.startsWith('x-forwarded-') || name.startsWith('x-original-'))
      continue
    if (caller.bodyless && (name === 'content-length' || name === 'transfer-encoding')) continue
    out[name] = value
  }
  if (caller.sessionCookies !== undefined && typeof headers.cookie === 'string') {
    const kept = withoutCookies(headers.cookie, caller.sessionCookies)
    if (kept !== undefined) out.cookie = kept
  }
  if (identity) Object.assign(out, identityHeaders(identity))
  out['x-forwarded-for'] = caller.forwardedFor
  out['x-forwarded-proto'] = caller.proto
  return out
}
