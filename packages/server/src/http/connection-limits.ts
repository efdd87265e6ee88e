import type { Server as HttpServer, ServerOptions } from 'node:http'
import type { Socket } from 'node:net'
import type { Config } from '../config.js'
import { clientKey } from '../core/network/ip-address.js'
import { createIpAllowlist, normalizeIpRange } from '../core/network/ip-allowlist.js'

type Timeouts = Pick<
  Config,
  'headersTimeoutSeconds' | 'requestTimeoutSeconds' | 'keepAliveTimeoutSeconds'
> & {
  idleTimeoutSeconds: number
}

/**
 * The Fastify options that bound how long a client may hold a connection. Fastify 5 turns Node's
 * request timeout off (0) unless told otherwise, so a client sending headers and then a body byte
 * now and then would hold its socket forever.
 *
 * - `headersTimeout` (Node): request line and headers, from the request's first byte; a new
 *   connection that sends nothing is held to it too.
 * - `requestTimeout`: the whole request, body included.
 * - `keepAliveTimeout`: an idle keep-alive connection between two requests.
 * - `connectionTimeout` (the socket's inactivity timeout): nothing moving either way, e.g. a
 *   client that stops reading a (proxied, streamed) response. A WebSocket drops it at upgrade
 *   (`ws` sets no timeout: its pings and pongs keep it honest).
 *
 * Node checks headers and request deadlines on a timer (`connectionsCheckingInterval`, 30 s by
 * default): a quarter of the shorter one keeps the overshoot small at the cost of one pass over
 * the open connections per tick.
 */
export function connectionTimeouts(config: Timeouts) {
  const headersMs = config.headersTimeoutSeconds * 1000
  const requestMs = config.requestTimeoutSeconds * 1000
  const checkingMs = Math.min(5000, Math.max(100, Math.floor(Math.min(headersMs, requestMs) / 4)))
  const http: ServerOptions = {
    headersTimeout: headersMs,
    requestTimeout: requestMs,
    connectionsCheckingInterval: checkingMs,
  }
  return {
    http,
    requestTimeout: requestMs,
    keepAliveTimeout: config.keepAliveTimeoutSeconds * 1000,
    connectionTimeout: config.idleTimeoutSeconds * 1000,
  }
}

export interface ConnectionCapOptions {
  /** Open connections one client may hold; 0: no cap. */
  maxPerClient: number
  /** Peers not counted: the trusted proxies, each of which carries many clients (config trustedProxies). */
  trustedProxies: readonly string[]
  /** Told of each connection closed for being one too many (metrics). */
  onRefused?(): void
}

/**
 * Caps the TCP connections one client holds open on `server`, counted by the socket's peer (never a
 * header: nothing has been read yet) as the rate limits count clients: an IPv4 address, or the /64
 * of an IPv6 one. One over the cap is destroyed at once, before a byte of it is parsed. An upgraded
 * WebSocket keeps its TCP socket, so it counts until it closes.
 *
 * Trusted proxies are not counted: one proxy address carries many clients, and capping it would let
 * one of them lock every other out. The proxy bounds its own clients (nginx `limit_conn`, an ALB's
 * own limits); Sigil still bounds each request's time on the proxy's connections.
 *
 * Hand-written: it is a counter on the `connection` event; the npm packages for this count
 * requests or work on the resolved (header) client address.
 */
export function capConnectionsPerClient(server: HttpServer, options: ConnectionCapOptions) {
  const open = new Map<string, number>()
  if (options.maxPerClient === 0) return { open }
  const ranges = options.trustedProxies.flatMap((proxy) => normalizeIpRange(proxy) ?? [])
  // An empty allowlist allows everyone: with no proxies, no peer is exempt.
  const proxies = ranges.length > 0 ? createIpAllowlist(ranges) : undefined
  server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress
    // Already gone (reset before this ran): nothing to count.
    if (peer === undefined) return
    if (proxies?.allows(peer)) return
    const client = clientKey(peer)
    const count = open.get(client) ?? 0
    if (count >= options.maxPerClient) {
      options.onRefused?.()
      socket.destroy()
      return
    }
    open.set(client, count + 1)
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1
      if (left > 0) open.set(client, left)
      else open.delete(client)
    })
  })
  return { open }
}
