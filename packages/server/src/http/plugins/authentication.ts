import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AuthError, isAuthError } from '../../core/errors.js'
import type { ForwardedRequest } from '../../core/forward-auth/create-forward-auth.js'
import type { Gateway } from '../../core/gateway.js'
import type { Identity } from '../../core/identity.js'
import { decideAccess } from '../../core/policy/decide-access.js'
import type { Access, CompiledRoutePolicy } from '../../core/policy/route-policy.js'
import type { Scope } from '../../core/scopes.js'
import { readForwardedRequest } from '../forwarded-request.js'
import { checkSignedBody, signedRequestOf } from '../signed-request.js'
import { isSameOriginRequest, isUnsafeMethod } from './csrf.js'
import { type SessionCookie, setSessionCookie } from './session-cookie.js'

/**
 * What a route needs, declared once in its options: the only way a route can exist. `optional`:
 * the caller is identified when a credential checks out, and anonymous otherwise (never refused).
 * `{ policy }`: decided per request by the route policy (a catch-all such as a reverse proxy), over
 * the path below `prefix` (the mount of the API that declares it); `undefined`: the default (reads
 * `read`, the rest `trade`). `{ forwarded }`: the verify
 * endpoint, decided per request by the policy (`undefined`: the default, reads `read` and the rest
 * `trade`) over the ORIGINAL request a forward-auth proxy states in its headers (forwarded-request.ts).
 */
export type RouteAuth =
  | 'public'
  | 'optional'
  | { scopes: readonly Scope[] }
  | { policy: CompiledRoutePolicy | undefined; prefix: string }
  | { forwarded: CompiledRoutePolicy | undefined }

/**
 * A route's requirement for this request: a policy decided, or the static declaration. `refuse`:
 * refused whoever asks, with this error, raised by the authorization hook (after rate limiting).
 */
type RequestAuth = 'public' | 'optional' | 'deny' | { scopes: readonly Scope[] } | { refuse: AuthError }

const POLICY_SCOPES = {
  read: ['read'],
  trade: ['trade'],
  // A wallet sign-in (JWT or cookie), never an API key.
  session: ['account'],
} as const satisfies Record<Exclude<Access, 'public' | 'deny'>, readonly Scope[]>

function requestAuth(request: FastifyRequest): RequestAuth | undefined {
  const auth = request.routeOptions.config.auth
  if (auth === undefined || typeof auth === 'string' || 'scopes' in auth) return auth
  if ('forwarded' in auth) {
    const forwarded = readForwardedRequest(request.headers)
    if ('invalid' in forwarded)
      return {
        refuse: new AuthError('FORWARDED_REQUEST_INVALID', forwarded.invalid, { detail: forwarded.invalid }),
      }
    request.forwarded = forwarded
    const access = decideAccess(auth.forwarded, forwarded.method, forwarded.uri)
    // The query may hold anything (tokens included): the log names the method and path only.
    const path = forwarded.uri.split('?')[0]
    if (access === 'deny') return { refuse: new AuthError('ROUTE_DENIED', `${forwarded.method} ${path}`) }
    return access === 'public' ? access : { scopes: POLICY_SCOPES[access] }
  }
  const access = decideAccess(auth.policy, request.method, request.url.slice(auth.prefix.length))
  return access === 'public' || access === 'deny' ? access : { scopes: POLICY_SCOPES[access] }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth
    /** The session cookie this route's API reads first (a dialect's own), by name. */
    sessionCookie?: string
    /** A session cookie is refused here whatever the method (a proxy whose answers a cookie must not read). */
    refuseSessionCookies?: boolean
  }
  interface FastifyRequest {
    /** Who is calling; null when nobody is, the credential failed, or the request is refused. */
    identity: Identity | null
    /** The cookie that authenticated the request, if one did: logout clears exactly that one. */
    sessionCookie: SessionCookie | null
    /**
     * Why the request is refused (credential, CSRF, scope, route policy): decided before the rate
     * limiter counts the request, so that it counts against the client IP, and raised after it.
     */
    refusal: AuthError | null
    /** What the route needs of this request, decided once by the first hook. */
    routeAuth: RequestAuth | null
    /** The original request a forward-auth proxy stated (`{ forwarded }` routes: the verify endpoint). */
    forwarded: ForwardedRequest | null
    /** An RFC 9421 signed request whose body must match its signed Content-Digest (preParsing). */
    signedBodyPending: boolean
  }
}

function presentedCookies(request: FastifyRequest, cookies: readonly SessionCookie[]) {
  const presented: { name: string; value: string }[] = []
  for (const cookie of cookies) {
    const value = request.cookies[cookie.name]
    if (value !== undefined) presented.push({ name: cookie.name, value })
  }
  return presented
}

/**
 * Hands core what the request presents; which credential wins is core's rule (chooseCredential),
 * the same for every transport.
 */
async function identify(
  request: FastifyRequest,
  reply: FastifyReply,
  gateway: Gateway,
  cookies: readonly SessionCookie[],
): Promise<Identity | null> {
  const { authorization } = request.headers
  const header = request.headers['x-api-key']
  const apiKey = typeof header === 'string' ? header : undefined
  const signed = signedRequestOf(request, request.forwarded)
  const authenticated = await gateway.authenticate(
    {
      authorization,
      apiKey,
      signed,
      // A header credential always wins over a cookie (chooseCredential): none are gathered then.
      cookies: authorization === undefined && apiKey === undefined ? presentedCookies(request, cookies) : [],
      // An API reads its own cookie first: in a browser holding both a native and a venue's
      // session, the venue's routes act on the venue's one (and its logout ends what it clears).
      preferredCookie: request.routeOptions.config.sessionCookie,
    },
    request.ip,
  )
  if (!authenticated) return null
  const { identity, cookie: used } = authenticated
  // A signed request's body is checked against its signed Content-Digest as it is read.
  if (identity.signedRequest && signed?.bodyPending) request.signedBodyPending = true
  const cookie = used && cookies.find((c) => c.name === used.name)
  if (cookie) {
    request.sessionCookie = cookie
    if (used.renewedUntil !== undefined) {
      setSessionCookie(reply, cookie, request.cookies[cookie.name]!, used.renewedUntil, gateway.now())
    }
  }
  return identity
}

/**
 * Who the request is from and whether the route admits it: the identity it may act as (null if
 * none) or the refusal to raise once it has been counted.
 */
async function decide(
  request: FastifyRequest,
  reply: FastifyReply,
  auth: Exclude<RequestAuth, 'public'>,
  { gateway, cookies, allowedOrigins }: AuthenticationOptions,
): Promise<{ identity: Identity | null; refusal?: AuthError }> {
  // A path the policy names for no one is one that does not exist here.
  if (auth === 'deny')
    return { identity: null, refusal: new AuthError('NOT_FOUND', 'the route policy grants no access') }
  if (typeof auth === 'object' && 'refuse' in auth) return { identity: null, refusal: auth.refuse }
  let identity: Identity | null = null
  try {
    identity = await identify(request, reply, gateway, cookies)
  } catch (error) {
    if (!isAuthError(error)) throw error
    // Refused, unless the route serves anonymous callers too.
    return auth === 'optional' ? { identity: null } : { identity: null, refusal: error }
  }
  // Behind a forward-auth proxy the request to judge is the original one, not the proxy's GET.
  const method = request.forwarded?.method ?? request.method
  const crossSite =
    identity?.via === 'cookie' &&
    isUnsafeMethod(method) &&
    !isSameOriginRequest(request.headers, allowedOrigins)
  // Anonymous unless a credential checked out; a cross-site cookie counts as none.
  if (auth === 'optional') return { identity: crossSite ? null : identity }
  if (!identity) return { identity: null, refusal: new AuthError('CREDENTIAL_MISSING') }
  if (crossSite)
    return {
      identity: null,
      refusal: new AuthError('CSRF_REJECTED', `origin ${request.headers.origin ?? '(none)'}`),
    }
  if (identity.via === 'cookie' && request.routeOptions.config.refuseSessionCookies)
    return {
      identity: null,
      refusal: new AuthError('CREDENTIAL_MISSING', 'session cookie on a proxied route'),
    }
  if (holdsAll(identity.scopes, auth.scopes)) return { identity }
  const missing = auth.scopes.filter((scope) => !identity.scopes.includes(scope))
  // A Paradex subkey lacks key management by design, not by accident of how it signed in: say so.
  if (identity.subkey !== undefined && missing.some((scope) => scope === 'keys' || scope === 'account')) {
    return { identity: null, refusal: new AuthError('SUBKEY_FORBIDDEN', `needs ${missing.join(' ')}`) }
  }
  // A pending account lacks `trade` only because its invite is not redeemed: say so.
  const code = identity.via !== 'api_key' && missing.includes('trade') ? 'INVITE_REQUIRED' : 'SCOPE_MISSING'
  return { identity: null, refusal: new AuthError(code, `needs ${missing.join(' ')}`) }
}

/** Every scope of `needed` in `held`: the common answer, decided without building a list. */
function holdsAll(held: readonly Scope[], needed: readonly Scope[]) {
  for (const scope of needed) if (!held.includes(scope)) return false
  return true
}

export interface AuthenticationOptions {
  gateway: Gateway
  /** Every API's session cookies, Sigil's own first. */
  cookies: readonly SessionCookie[]
  /** Origins whose pages may send cookie-authenticated unsafe requests (config allowedOrigins). */
  allowedOrigins: readonly string[]
}

/**
 * First hook, before any body is read: resolves the credential and decides whether the route
 * admits the request (credential, CSRF for cookie sessions, scopes, route policy). A refusal does
 * not end the request here: the request goes on as anonymous (`identity` null) to the rate
 * limiter, which counts it against the client IP, never against the account whose credential it
 * carried; `registerAuthorization` raises it after that. So guessing keys spends the attacker's
 * budget, and a flood of refused requests carrying a victim's cookie (cross-site, say) spends
 * none of the victim's.
 */
export function registerIdentification(app: FastifyInstance, options: AuthenticationOptions) {
  app.decorateRequest('identity', null)
  app.decorateRequest('refusal', null)
  app.decorateRequest('sessionCookie', null)
  app.decorateRequest('routeAuth', null)
  app.decorateRequest('forwarded', null)
  app.decorateRequest('signedBodyPending', false)
  app.addHook('onRoute', (route) => {
    if (!route.config?.auth)
      throw new Error(`route ${route.method} ${route.url} declares no auth requirement`)
  })
  // A callback hook: a public route (health checks) costs no promise, and a credential one only
  // the promise of its check.
  app.addHook('onRequest', (request, reply, done) => {
    const auth = requestAuth(request)
    request.routeAuth = auth ?? null
    // Nobody to identify: identity and refusal keep their null defaults.
    if (auth === undefined || auth === 'public') return done()
    decide(request, reply, auth, options).then(({ identity, refusal }) => {
      request.identity = identity
      request.refusal = refusal ?? null
      done()
    }, done)
  })
}

/**
 * After the rate limiter has counted the request: the refusal decided at identification, if any.
 * Then, for a signed request with a body, the body against its signed Content-Digest, before any
 * parser, handler or upstream sees it (signed-request.ts).
 */
export function registerAuthorization(app: FastifyInstance) {
  // A callback hook, not an async one: every request passes here, and most with nothing to raise,
  // so it costs no promise (passing the error to done() ends the request as a throw would).
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.refusal) done(request.refusal)
    else done()
  })
  app.addHook('preParsing', (request, _reply, payload, done) => {
    if (!request.signedBodyPending) return done(null, payload)
    checkSignedBody(request, payload).then((checked) => done(null, checked), done)
  })
}
