import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http'
import WebSocket, { type RawData } from 'ws'
import type { UpstreamFailure } from './upstream-proxy.js'

/**
 * WebSocket proxying for reverse-proxy mode, over `ws` (the library @fastify/websocket already
 * runs Sigil's own sockets on). The order matters for what a refused client sees: the upgrade is
 * authenticated by the ordinary hooks, then Sigil opens the upstream socket, and only once the
 * upstream has accepted does the client get its 101. Anything refused or failed before that is a
 * plain HTTP answer (401/403/429, 502/504, or the upstream's own refusal), never an upgrade that
 * closes at once. After the 101, the two sockets are bridged frame for frame.
 *
 * Hand-written glue, not a proxy library: @fastify/http-proxy would bring a second router and its
 * own WebSocket server beside @fastify/websocket's, with the auth hooks not run on its upgrades.
 */

/** Close code to the client when the upstream socket drops without a close frame (1014 Bad Gateway). */
export const UPSTREAM_LOST = 1014
/** Close code to the upstream when the client vanished without a close frame (1001 Going Away). */
export const CLIENT_LOST = 1001

/** Past this many bytes waiting to be written to one side, Sigil stops reading the other. */
const HIGH_WATER = 1024 * 1024
const LOW_WATER = 256 * 1024

export type UpstreamSocket =
  | { open: WebSocket }
  /** The upstream answered the upgrade with something else than 101: relayed to the client as is. */
  | { answered: IncomingMessage; abort(): void }
  | { failed: UpstreamFailure; cause: string }
  /** The client's handshake cannot be passed on (a malformed subprotocol offer). */
  | { malformed: string }

/** The subprotocol each proxied upgrade's upstream chose, read by the server's handleProtocols. */
const chosenProtocols = new WeakMap<IncomingMessage, string>()

/**
 * The subprotocol to answer a proxied client with: the one its upstream chose, `false` for none
 * (the client then sees exactly what the upstream decided), undefined for sockets Sigil serves
 * itself (they keep `ws`'s default).
 */
export function proxiedProtocol(request: IncomingMessage): string | false | undefined {
  const chosen = chosenProtocols.get(request)
  return chosen === undefined ? undefined : chosen === '' ? false : chosen
}

/** The client's offered subprotocols (`Sec-WebSocket-Protocol: a, b`), in order. */
function offeredProtocols(headers: IncomingHttpHeaders): string[] {
  const value = headers['sec-websocket-protocol']
  if (typeof value !== 'string') return []
  return value
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '')
}

/**
 * Headers `ws` sets for the upstream handshake itself (key, version, extensions, protocols,
 * connection, host): the client's copies describe the other hop and must not go.
 */
const HANDSHAKE_HEADERS = new Set([
  'host',
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'sec-websocket-accept',
])

/**
 * Opens the upstream socket for `client` (the upgrade request as Sigil received it) with
 * `headers` (upstreamHeaders' output: credentials stripped, identity injected). Resolves once the
 * upstream accepted, answered otherwise, failed, or did not finish its handshake within
 * `timeoutMs`; the socket is paused until bridged, so no upstream message is lost meanwhile.
 */
export function openUpstreamSocket(
  url: URL,
  client: IncomingMessage,
  headers: IncomingHttpHeaders,
  timeoutMs: number,
): Promise<UpstreamSocket> {
  const sent: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HANDSHAKE_HEADERS.has(name)) sent[name] = value
  }
  let socket: WebSocket
  try {
    socket = new WebSocket(url, offeredProtocols(client.headers), {
      headers: sent,
      // Each hop negotiates its own extensions; compression on this one buys CPU for nothing.
      perMessageDeflate: false,
      followRedirects: false,
    })
  } catch (error) {
    // ws refuses a subprotocol offer that is not a list of distinct tokens: the client's fault.
    return Promise.resolve({ malformed: (error as Error).message })
  }
  return new Promise((resolve) => {
    let settled = false
    const settle = (outcome: UpstreamSocket) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(outcome)
    }
    const timer = setTimeout(() => {
      settle({ failed: 'UPSTREAM_TIMEOUT', cause: 'handshake timed out' })
      socket.terminate()
    }, timeoutMs)
    // Always listened to: an unhandled 'error' would end the process.
    socket.on('error', (error: Error & { code?: string }) =>
      settle({ failed: 'UPSTREAM_UNAVAILABLE', cause: error.code ?? error.message }),
    )
    socket.once('unexpected-response', (request: ClientRequest, response: IncomingMessage) =>
      settle({
        answered: response,
        abort: () => {
          request.destroy()
          response.destroy()
        },
      }),
    )
    socket.once('open', () => {
      socket.pause()
      chosenProtocols.set(client, socket.protocol)
      settle({ open: socket })
    })
  })
}

/** A close code that may be sent on, or undefined for one that only describes (1005, 1006). */
function sendable(code: number): number | undefined {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
    ? code
    : undefined
}

/** Frames from `from` to `to`, reading `from` no faster than `to` drains. */
function relay(from: WebSocket, to: WebSocket) {
  from.on('message', (data: RawData, isBinary: boolean) => {
    if (to.readyState !== WebSocket.OPEN) return
    to.send(data, { binary: isBinary }, () => {
      if (from.isPaused && to.bufferedAmount < LOW_WATER) from.resume()
    })
    if (to.bufferedAmount > HIGH_WATER) from.pause()
  })
}

/** Ends `socket` with `code` (or without one), unless it is closing already. */
function closeWith(socket: WebSocket, code: number | undefined, reason: Buffer) {
  if (socket.readyState === WebSocket.CLOSING || socket.readyState === WebSocket.CLOSED) return
  if (socket.readyState === WebSocket.CONNECTING) {
    socket.terminate()
    return
  }
  if (code === undefined) socket.close()
  // A close reason is at most 123 bytes; one from a peer already fits.
  else socket.close(code, reason)
}

/**
 * Bridges the accepted client socket and its open upstream socket: messages both ways (text stays
 * text, binary binary), close codes and reasons both ways; an upstream that drops without a close
 * frame closes the client with 1014, a client that vanishes closes the upstream with 1001.
 * Ping and pong stay on their hop (`ws` answers each side's pings itself).
 */
export function bridge(client: WebSocket, upstream: WebSocket) {
  relay(client, upstream)
  relay(upstream, client)
  upstream.on('close', (code: number, reason: Buffer) =>
    closeWith(client, code === 1006 ? UPSTREAM_LOST : sendable(code), reason),
  )
  client.on('close', (code: number, reason: Buffer) =>
    closeWith(upstream, code === 1006 ? CLIENT_LOST : sendable(code), reason),
  )
  // The upstream may have gone between its 101 and this bridge.
  if (upstream.readyState !== WebSocket.OPEN) closeWith(client, UPSTREAM_LOST, Buffer.alloc(0))
  else upstream.resume()
}
