import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../../../config.js'
import { AuthError } from '../../../core/errors.js'
import type { Gateway } from '../../../core/gateway.js'
import { compileRoutePolicy } from '../../../core/policy/route-policy.js'
import { readOriginalMethod } from '../../forwarded-request.js'
import { identityHeadersOf } from '../../identity-headers.js'
import { isCrossSiteBrowserRequest, isSameOriginRequest, isUnsafeMethod } from '../../plugins/csrf.js'
import { problemResponses } from './schemas.js'
import { verifiedAnswerOf } from './verify-answer.js'

const Verified = Type.Object(
  { accountId: Type.String(), credential: Type.String(), scopes: Type.Array(Type.String()) },
  { $id: 'Verified' },
)

const VerifiedRequest = Type.Object(
  {
    access: Type.Union([Type.Literal('granted'), Type.Literal('public')]),
    method: Type.String(),
    path: Type.String(),
    accountId: Type.Optional(Type.String()),
    credential: Type.Optional(Type.String()),
    scopes: Type.Optional(Type.Array(Type.String())),
  },
  { $id: 'VerifiedRequest' },
)

/**
 * The credential check a reverse proxy delegates to Sigil (nginx `auth_request`, Traefik
 * `forwardAuth`): 200 with the identity in `X-Sigil-*` headers when the request's credential
 * holds the scope, else the usual 401/403/429 problem. `/read` is for reads, `/trade` for trading
 * actions; withdrawals are never reachable with an API key.
 */
export async function nativeVerifyRoutes(
  app: FastifyInstance,
  { config, gateway }: { config: Config; gateway: Gateway },
) {
  // Sync, and answered with a body serialized once per identity (verify-answer.ts): this route
  // is asked on every request a trading API serves, so it costs no promise and no serializer.
  const handler = (request: FastifyRequest, reply: FastifyReply) => {
    const identity = request.identity!
    // The proxy asks with GET whatever the client sent: judge CSRF on the original method, which
    // Traefik sends as X-Forwarded-Method and an nginx config as X-Original-Method (both, and they
    // must agree). Without either, the original may have been a POST: refuse whatever a browser
    // marks as cross-site.
    const original = readOriginalMethod(request.headers)
    if (typeof original === 'object')
      throw new AuthError('FORWARDED_REQUEST_INVALID', original.invalid, { detail: original.invalid })
    if (identity.via === 'cookie') {
      const crossSite =
        original === undefined
          ? isCrossSiteBrowserRequest(request.headers, config.allowedOrigins)
          : isUnsafeMethod(original) && !isSameOriginRequest(request.headers, config.allowedOrigins)
      if (crossSite) throw new AuthError('CSRF_REJECTED', `proxied ${original ?? 'unknown method'}`)
    }
    const answer = verifiedAnswerOf(identity)
    return reply.headers(answer.headers).send(answer.body)
  }
  const security = [{ bearer: [] }, { apiKey: [] }, { sessionCookie: [] }]
  app.get(
    '/read',
    {
      config: { auth: { scopes: ['read'] } },
      schema: { tags: ['verify'], security, response: { 200: Verified, ...problemResponses } },
    },
    handler,
  )
  app.get(
    '/trade',
    {
      config: { auth: { scopes: ['trade'] } },
      schema: { tags: ['verify'], security, response: { 200: Verified, ...problemResponses } },
    },
    handler,
  )

  // loadConfig already refused a policy that does not compile (naming the rule): this cannot throw.
  const compiled = config.routePolicy === undefined ? undefined : compileRoutePolicy(config.routePolicy)
  if (compiled && !compiled.ok) throw new Error(`routePolicy: ${compiled.reason}`)
  const audience = config.verifyAssertionAudience
  const route = (url: string, hide: boolean) =>
    app.route({
      // Any method: nginx auth_request always GETs, Caddy and Traefik GET too, Envoy keeps the
      // client's method. What counts is the original request the proxy states in its headers (the
      // identification hook reads it: RouteAuth `{ forwarded }`). HEAD comes with GET.
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url,
      config: { auth: { forwarded: compiled?.value } },
      schema: {
        tags: ['verify'],
        security,
        summary: 'Forward auth: decide the original request by the route policy',
        response: { 200: VerifiedRequest, ...problemResponses },
        ...(hide ? { hide: true } : {}),
      },
      async handler(request, reply) {
        reply.header('cache-control', 'no-store')
        const identity = request.identity
        const forwarded = request.forwarded!
        // A path the policy makes public: nobody is vouched for, even when a credential came along.
        if (request.routeAuth === 'public' || !identity)
          return { access: 'public', method: forwarded.method, path: forwarded.uri }
        const wallet = await gateway.forwardAuth.walletOf(identity.accountId)
        reply.headers(identityHeadersOf(identity, wallet))
        if (audience !== undefined)
          reply.header('x-sigil-assertion', await gateway.forwardAuth.assert(identity, forwarded, audience))
        return {
          access: 'granted',
          method: forwarded.method,
          path: forwarded.uri,
          accountId: identity.accountId,
          credential: identity.via,
          scopes: identity.scopes,
        }
      },
    })
  route('', false)
  // Envoy's HTTP ext_authz asks at path_prefix + the original path: the same endpoint, decided on
  // the forwarded headers alone (the path below /v1/verify/ is not read).
  route('/*', true)
}
