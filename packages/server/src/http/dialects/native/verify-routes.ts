import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../../../config.js'
import { AuthError } from '../../../core/errors.js'
import { identityHeaders } from '../../identity-headers.js'
import { isCrossSiteBrowserRequest, isSameOriginRequest, UNSAFE_METHODS } from '../../plugins/csrf.js'
import { problemResponses } from './schemas.js'

const Verified = Type.Object(
  { accountId: Type.String(), credential: Type.String(), scopes: Type.Array(Type.String()) },
  { $id: 'Verified' },
)

/**
 * The credential check a reverse proxy delegates to Sigil (nginx `auth_request`, Traefik
 * `forwardAuth`): 200 with the identity in `X-Sigil-*` headers when the request's credential
 * holds the scope, else the usual 401/403/429 problem. `/read` is for reads, `/trade` for trading
 * actions; withdrawals are never reachable with an API key.
 */
export async function nativeVerifyRoutes(app: FastifyInstance, { config }: { config: Config }) {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const identity = request.identity!
    // The proxy asks with GET whatever the client sent: judge CSRF on the original method, which
    // Traefik sends as X-Forwarded-Method and an nginx config as X-Original-Method. Without either,
    // the original may have been a POST: refuse whatever a browser marks as cross-site.
    const original = request.headers['x-forwarded-method'] ?? request.headers['x-original-method']
    if (identity.via === 'cookie') {
      const method =
        original === undefined ? undefined : (Array.isArray(original) ? original[0]! : original).toUpperCase()
      const crossSite =
        method === undefined
          ? isCrossSiteBrowserRequest(request.headers, config.allowedOrigins)
          : UNSAFE_METHODS.has(method) && !isSameOriginRequest(request.headers, config.allowedOrigins)
      if (crossSite) throw new AuthError('CSRF_REJECTED', `proxied ${method ?? 'unknown method'}`)
    }
    reply.headers(identityHeaders(identity))
    reply.header('cache-control', 'no-store')
    return { accountId: identity.accountId, credential: identity.via, scopes: identity.scopes }
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
}
