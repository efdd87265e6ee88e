import websocket from '@fastify/websocket'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config.js'
import { proxiedProtocol } from '../proxy/websocket-proxy.js'
import { createMessageRates, type MessageRates } from '../websocket/socket-limits.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The message rate of every WebSocket, per socket and per client IP across every route. */
    webSocketMessageRates: MessageRates
    /** Each WebSocket route's open sockets, by the dialect that serves it (the metrics read it). */
    webSocketsOpen: Map<string, () => number>
  }
}

/**
 * WebSocket upgrades through the Fastify router, so an upgrade passes the same hooks (auth
 * declaration, rate limit) as any request. Registered once at the root, before any route: every
 * route is then wrapped, and an upgrade to a route without a WebSocket handler is closed instead
 * of left hanging. One message limit for all sockets, enforced by `ws` before a frame is buffered.
 */
export async function registerWebSocket(app: FastifyInstance, config: Config) {
  app.decorate('webSocketsOpen', new Map<string, () => number>())
  app.decorate(
    'webSocketMessageRates',
    createMessageRates({
      perSocketPerSecond: config.webSocketMessagesPerSecond,
      perSocketBurst: config.webSocketMessageBurst,
      perIpPerSecond: config.webSocketMessagesPerSecondPerIp,
    }),
  )
  await app.register(websocket, {
    options: {
      maxPayload: config.webSocketMessageLimitBytes,
      // A proxied socket answers with the subprotocol its upstream chose; Sigil's own sockets keep
      // ws's default (the client's first).
      handleProtocols: (protocols, request) =>
        proxiedProtocol(request) ?? protocols.values().next().value ?? false,
    },
    // `ws` has already begun closing on a protocol error (1009 for a message too large, 1007 for
    // bad UTF-8); anything else is a handler bug, closed as an internal error (1011).
    errorHandler: (error, socket, request) => {
      request.log.info({ reason: error.message }, 'websocket error')
      if (socket.readyState === socket.OPEN) socket.close(1011)
    },
    // Shutdown (SIGTERM → app.close): every socket is told 1001 Going Away, so clients reconnect
    // elsewhere at once instead of waiting for a dead connection (the default sends no code).
    preClose(done) {
      for (const client of this.websocketServer.clients) client.close(1001, 'server shutting down')
      this.websocketServer.close()
      done()
    },
  })
}
