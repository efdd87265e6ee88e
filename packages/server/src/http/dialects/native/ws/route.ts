import type {} from '@fastify/websocket'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../../../../config.js'
import type { SignedRequestCheck } from '../../../../core/api-keys/signed-request-verifier.js'
import { AuthError } from '../../../../core/errors.js'
import type { Gateway } from '../../../../core/gateway.js'
import { signedRequestOf } from '../../../signed-request.js'
import { createOpenSocketCounter } from '../../../websocket/socket-limits.js'
import { socketSettingsOf } from '../../../websocket/socket-parts.js'
import type { NativeSettingsValue } from '../settings.js'
import { serveNativeSocket } from './connection.js'

/**
 * `GET <native.prefix>/v1/ws`: Sigil's own WebSocket (JSON-RPC 2.0, docs/api.md). The upgrade is a
 * public route (the credential comes in the `auth` message), counted as a sign-in request of the
 * client IP like Paradex's, and geo-blocked like every credentialed route (403 before the upgrade).
 * Without an upgrade the answer is 426.
 */
export function registerNativeWebSocket(
  app: FastifyInstance,
  { gateway, settings, config }: { gateway: Gateway; settings: NativeSettingsValue; config: Config },
) {
  const socketSettings = socketSettingsOf(settings, config)
  const openSockets = createOpenSocketCounter()
  const signedUpgrades = new WeakMap<FastifyRequest, SignedRequestCheck>()
  app.webSocketsOpen.set('native', openSockets.total)
  app.route({
    method: 'GET',
    url: '/v1/ws',
    config: { auth: 'public', rateLimit: 'sign-in' },
    schema: { hide: true },
    preHandler: async (request) => {
      if (request.headers.upgrade === undefined) return
      if (openSockets.count(request.ip) >= settings.wsMaxSocketsPerIp)
        throw new AuthError('RATE_LIMITED', 'too many open sockets from this address')
      // An upgrade signed with a public-key key (RFC 9421) is checked here, its one use spent; a
      // refused one is refused before the upgrade, with its HTTP status. The socket's `auth`
      // `{"signedUpgrade": true}` then adopts it.
      const signed = signedRequestOf(request, null)
      if (signed)
        signedUpgrades.set(request, await gateway.authenticateSignedUpgrade(signed.request, request.ip))
    },
    handler: async (_request, reply) =>
      reply.code(426).header('upgrade', 'websocket').type('application/problem+json').send({
        type: 'about:blank',
        title: 'Upgrade Required',
        status: 426,
        detail: 'this is a WebSocket endpoint: send an upgrade',
      }),
    wsHandler: (socket, request) => {
      openSockets.add(request.ip, socket)
      serveNativeSocket(socket, {
        gateway,
        settings: socketSettings,
        ip: request.ip,
        log: request.log,
        admit: app.webSocketMessageRates.guard(request.ip, socket),
        signedUpgrade: signedUpgrades.get(request),
      })
    },
  })
}
