import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import type { Config } from '../../config.js'
import type { Identity } from '../../core/identity.js'
import type { HubSubscriber } from '../../core/publish-hub/create-publish-hub.js'
import type { KeepAliveOptions } from './keepalive.js'
import { boundedSender } from './socket-limits.js'

/** What every Sigil WebSocket reads from its dialect's `ws*` settings and the shared bounds. */
export interface SocketSettings {
  maxSubscriptions: number
  keepAlive: KeepAliveOptions
  /** A client that stopped reading: past this much unsent output its socket is closed (4008). */
  maxBufferedBytes: number
}

export function socketSettingsOf(
  dialect: { wsMaxSubscriptions: number; wsPingIntervalSeconds: number; wsPongTimeoutSeconds: number },
  config: Pick<Config, 'webSocketMaxBufferedBytes'>,
): SocketSettings {
  return {
    maxSubscriptions: dialect.wsMaxSubscriptions,
    keepAlive: {
      pingIntervalMs: dialect.wsPingIntervalSeconds * 1000,
      pongTimeoutMs: dialect.wsPongTimeoutSeconds * 1000,
    },
    maxBufferedBytes: config.webSocketMaxBufferedBytes,
  }
}

/** Sends one JSON frame while the socket is open, closing a slow consumer (boundedSender). */
export function frameSender(socket: WebSocket, maxBufferedBytes: number) {
  const sendText = boundedSender(socket, maxBufferedBytes)
  return {
    sendText,
    send(frame: object) {
      if (socket.readyState === socket.OPEN) sendText(JSON.stringify(frame))
    },
  }
}

/** The socket as the publish hub sees it: who it acts for now, and how a push is framed. */
export function pushSubscriber(
  identity: () => Identity | null,
  send: (frame: object) => void,
  frameOf: (channel: string, data: unknown) => object,
  log: FastifyBaseLogger,
): HubSubscriber {
  return {
    identity,
    deliver: (channel, data) => {
      try {
        send(frameOf(channel, data))
      } catch (error) {
        // Data JSON cannot carry (a bigint, a cycle) is the publisher's bug: logged, the socket lives on.
        log.error({ err: error, channel }, 'websocket push failed')
      }
    },
  }
}
