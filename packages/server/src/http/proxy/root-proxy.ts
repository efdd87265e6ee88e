import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config.js'
import type { Gateway } from '../../core/gateway.js'
import { compileRoutePolicy } from '../../core/policy/route-policy.js'
import { sendProblem } from '../plugins/problem-details.js'
import type { SessionCookie } from '../plugins/session-cookie.js'
import { registerUpstreamProxy } from './upstream-proxy.js'

/**
 * Reverse-proxy mode (`upstreamUrl`): every request Sigil does not serve itself goes to the
 * upstream, as the `routePolicy` allows (without one: GET, HEAD and OPTIONS need `read`, the rest
 * `trade`; a path the policy names for no one is 404). Registered last, at the root: Sigil's own
 * routes and every dialect's (the Paradex upstream included) win over it.
 *
 * Cookie sessions are accepted (a browser app behind Sigil): Sigil's session cookies are taken out
 * of the Cookie header (the backend's own pass), an unsafe method needs the same-origin check
 * (403 `CSRF_REJECTED`, the authorization hook), and the answer loses the backend's
 * `Access-Control-Allow-*` headers, so no other origin can read what a cookie fetched.
 */
export async function rootUpstreamProxy(
  app: FastifyInstance,
  { gateway, config, cookies }: { gateway: Gateway; config: Config; cookies: readonly SessionCookie[] },
) {
  const upstreamUrl = config.upstreamUrl
  if (upstreamUrl === undefined) return
  // loadConfig already refused a policy that does not compile (naming the rule): this cannot throw.
  const compiled = config.routePolicy === undefined ? undefined : compileRoutePolicy(config.routePolicy)
  if (compiled && !compiled.ok) throw new Error(`routePolicy: ${compiled.reason}`)
  const audience = config.verifyAssertionAudience
  await app.register(async (scope) =>
    registerUpstreamProxy(scope, {
      upstreamUrl,
      timeoutSeconds: config.upstreamTimeoutSeconds,
      url: '/*',
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      auth: { policy: compiled?.value, prefix: '' },
      // The target as sent (the query follows it): decideAccess already refused (404) any path an
      // upstream could normalise into another (dot segments, encoded slashes, `//`, bad `%`).
      target: (request) => request.url.split('?', 1)[0],
      cookies: [...new Set(cookies.map((cookie) => cookie.name))],
      // As the verify endpoint answers: the wallet, and the signed assertion when configured.
      vouch: async (request) => {
        const identity = request.identity!
        const wallet = await gateway.forwardAuth.walletOf(identity.accountId)
        return {
          ...(wallet === undefined ? {} : { 'x-sigil-wallet': wallet }),
          ...(audience === undefined
            ? {}
            : {
                'x-sigil-assertion': await gateway.forwardAuth.assert(
                  identity,
                  { method: request.method, uri: request.url },
                  audience,
                ),
              }),
        }
      },
      fail: (reply, code) => sendProblem(reply, code),
      name: 'root',
      // Upgrades to forwarded paths: authenticated like any GET, then bridged (websocket-proxy.ts).
      webSockets: { allowedOrigins: config.allowedOrigins, liveConnections: gateway.liveConnections },
    }),
  )
}
