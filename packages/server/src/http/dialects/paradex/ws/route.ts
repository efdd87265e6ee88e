import { randomBytes } from 'node:crypto'
import type {} from '@fastify/websocket'
import type { FastifyInstance } from 'fastify'
import { AuthError } from '../../../../core/errors.js'
import { geoRefusal } from '../../../../core/geo/create-geo-service.js'
import { recordGeoDenial } from '../../../plugins/geo-blocking.js'
import { createOpenSocketCounter } from '../../../websocket/socket-limits.js'
import { socketSettingsOf } from '../../../websocket/socket-parts.js'
import { paradexError } from '../errors.js'
import type { ParadexContext } from '../settings.js'
import { type ParadexSocketSettings, serveParadexSocket } from './connection.js'

/**
 * `GET <paradex.prefix>/v1`: the Paradex WebSocket (JSON-RPC 2.0, spec/paradex.md §8). The upgrade
 * is an ordinary route, so Sigil's hooks run first: it is public (authentication is the `auth`
 * message; an Authorization header on the upgrade is ignored) and counts as a sign-in request of
 * the client IP, which bounds how fast one address can open sockets to try tokens on. Without an
 * upgrade the answer is 426 in Paradex's error body. Geo blocking is deferred to the socket: the
 * upgrade succeeds (public channels stay readable, as the public HTTP documents do) and every `auth`
 * from a blocked country answers 40112, Paradex's "geo-IP blocked".
 */
export function registerParadexWebSocket(
  app: FastifyInstance,
  { gateway, settings, config }: ParadexContext,
) {
  const socketSettings: ParadexSocketSettings = {
    nodeId: randomBytes(8).toString('hex'),
    ...socketSettingsOf(settings, config),
  }
  // Open sockets per client IP: the sign-in budget bounds how fast one address opens them, this
  // how many it may hold (idle sockets cost memory and a keepalive timer each).
  const openSockets = createOpenSocketCounter()
  app.webSocketsOpen.set('paradex', openSockets.total)
  app.route({
    method: 'GET',
    url: '/v1',
    config: { auth: 'public', rateLimit: 'sign-in', geo: 'deferred' },
    schema: { hide: true },
    preHandler: async (request) => {
      if (request.headers.upgrade === undefined) return
      if (openSockets.count(request.ip) >= settings.wsMaxSocketsPerIp) {
        throw new AuthError('RATE_LIMITED', 'too many open sockets from this address')
      }
    },
    handler: async (_request, reply) => {
      const [, body] = paradexError('VALIDATION_FAILED', 'this is a WebSocket endpoint: send an upgrade')
      return reply.code(426).header('upgrade', 'websocket').type('application/json; charset=utf-8').send(body)
    },
    wsHandler: (socket, request) => {
      openSockets.add(request.ip, socket)
      // The upgrade request's country (header or IP), decided once: it cannot change on this socket.
      const check = request.geo
      const geoBlocked =
        check && !check.decision.allowed
          ? {
              detail: geoRefusal(check).detail!,
              onRefused: () => recordGeoDenial(gateway, request, check),
            }
          : undefined
      serveParadexSocket(socket, {
        gateway,
        settings: socketSettings,
        log: request.log,
        admit: app.webSocketMessageRates.guard(request.ip, socket),
        ...(geoBlocked ? { geoBlocked } : {}),
      })
    },
  })
}
