import type { FastifyInstance } from 'fastify'
import { AuthError } from '../../core/errors.js'
import type { Gateway, Identity } from '../../core/gateway.js'
import type { Scope } from '../../core/scopes.js'

/** What a route needs, declared once in its options: the only way a route can exist. */
export type RouteAuth = 'public' | { scopes: readonly Scope[] }

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth
  }
  interface FastifyRequest {
    identity: Identity | null
  }
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i

export function bearerToken(header: string | undefined): string | undefined {
  return header ? BEARER.exec(header)?.[1] : undefined
}

/**
 * Resolves the credential once per request in `onRequest` (before the body is even read) and
 * enforces the route's declared scopes. A route without a declaration fails at start-up, so a new
 * endpoint cannot ship unprotected by omission.
 */
export function registerAuthentication(app: FastifyInstance, gateway: Gateway) {
  app.decorateRequest('identity', null)

  app.addHook('onRoute', (route) => {
    if (!route.config?.auth)
      throw new Error(`route ${route.method} ${route.url} declares no auth requirement`)
  })

  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth
    if (!auth || auth === 'public') return
    const token = bearerToken(request.headers.authorization)
    if (!token) throw new AuthError('CREDENTIAL_MISSING')
    const identity = await gateway.authenticateBearer(token)
    const missing = auth.scopes.filter((scope) => !identity.scopes.includes(scope))
    if (missing.length > 0) throw new AuthError('SCOPE_MISSING', `needs ${missing.join(' ')}`)
    request.identity = identity
  })
}
