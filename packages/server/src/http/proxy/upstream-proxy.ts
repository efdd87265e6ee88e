import type { IncomingHttpHeaders } from 'node:http'
import replyFrom from '@fastify/reply-from'
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify'
import type WebSocket from 'ws'
import { AuthError } from '../../core/errors.js'
import type { LiveConnections } from '../../core/live-connections/create-live-connections.js'
import type { RouteAuth } from '../plugins/authentication.js'
import { isSameOriginRequest } from '../plugins/csrf.js'
import { closeCodeFor } from '../websocket/close-codes.js'
import { upstreamHeaders } from './upstream-headers.js'
import { bridge, openUpstreamSocket } from './websocket-proxy.js'

export type UpstreamFailure = 'UPSTREAM_UNAVAILABLE' | 'UPSTREAM_TIMEOUT'

export interface UpstreamProxyOptions {
  /** Checked at start (checkUpstreamUrl): http(s), no credentials, query or fragment. */
  upstreamUrl: string
  /** Connect, response headers, and each gap between body chunks. */
  timeoutSeconds: number
  /** The catch-all, in the scope it is registered in (`/v1/*`, `/*`). */
  url: string
  methods: HTTPMethods[]
  /** `{ policy, prefix }`: the route policy decides each request (authentication.ts). */
  auth: RouteAuth
  /** The path to append to the upstream URL's path (the query follows as sent), or undefined: 404. */
  target(request: FastifyRequest): string | undefined
  /**
   * `refuse`: a session cookie is refused whatever the method (the backend's answers would be
   * readable with a victim's cookie). A list: Sigil's cookies by name, dropped from the Cookie
   * header (the backend's own cookies pass); a cookie-authenticated request is then answered
   * without the backend's `Access-Control-Allow-*` headers (no other origin reads it), and an
   * unsafe method with it needs the same-origin check the authorization hook makes (CSRF).
   */
  cookies: 'refuse' | readonly string[]
  /** A rule of the API's own after the route policy (Paradex: no subkey on main-key paths); throws the refusal. */
  check?(request: FastifyRequest): void
  /** Further headers Sigil vouches for (the signed assertion), when an identity goes upstream. */
  vouch?(request: FastifyRequest): Promise<Record<string, string>>
  /** The API's own error body for a failed upstream (502 / 504). */
  fail(reply: FastifyReply, code: UpstreamFailure): void
  /** Names the proxy in logs. */
  name: string
  /**
   * WebSocket upgrades to forwarded paths are proxied too (websocket-proxy.ts); `allowedOrigins`:
   * a cookie-authenticated upgrade needs one of them as its Origin (cross-site WebSocket
   * hijacking: a browser sends the cookie with any page's upgrade). Absent: upgrades are 404.
   */
  webSockets?: {
    allowedOrigins: readonly string[]
    /**
     * Where a bridged socket is tracked by the credential it was opened with: its session ending or
     * its key being revoked, on any replica, closes it (4001 / 4002). It outlives a JWT's expiry
     * and a rotation's grace, as the upstream's protocol has no way to present a new credential.
     */
    liveConnections?: Pick<LiveConnections, 'track'>
  }
}

/** Whom Sigil believes the request came from: XFF order, client first, Sigil's own peer last. */
const forwardedFor = (request: FastifyRequest) =>
  (request.ips ? [...request.ips].reverse() : [request.ip]).join(', ')

/** Never answered to a cookie-authenticated request: the backend's CORS grants. */
const CORS_GRANTS = ['access-control-allow-origin', 'access-control-allow-credentials']

/**
 * A reverse proxy over @fastify/reply-from, registered in an encapsulated scope of its own (the
 * body parsers it replaces are the scope's): one wildcard route, which the router ranks below every
 * static and parametric route, so the routes Sigil serves itself always win. The app's identify,
 * rate-limit and authorize hooks run first (the route's `auth`), before any body is read; bodies
 * then go through as the client's bytes, streamed: never parsed, re-serialized or buffered.
 * Credentials and every inbound `X-Sigil-*` and underscore header are stripped, the identity
 * headers injected (upstreamHeaders); the answer's status, headers and body come back as they are,
 * with the rate-limit headers the hooks set.
 */
export async function registerUpstreamProxy(app: FastifyInstance, options: UpstreamProxyOptions) {
  const upstream = new URL(options.upstreamUrl)
  const basePath = upstream.pathname.replace(/\/+$/, '')
  const timeout = options.timeoutSeconds * 1000

  await app.register(replyFrom, {
    base: upstream.origin,
    // Sigil logs the refusals and upstream faults itself; a line per forwarded request is noise.
    disableRequestLogging: true,
    destroyAgent: true,
    // No retries: an upstream 503 goes back to the client as is, and an order is never sent twice.
    retryMethods: [],
    undici: {
      connectTimeout: timeout,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      // reply-from turns certificate checks off by default; an https upstream must prove itself.
      connect: { rejectUnauthorized: true },
    },
  })

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload))

  // Runs after the app's identify, rate-limit and authorize hooks, before any body is read.
  app.addHook('onRequest', async (request) => {
    if (request.headers.upgrade !== undefined) {
      // Only a WebSocket upgrade (GET, which @fastify/websocket marks) is proxied, when enabled.
      if (!options.webSockets || !request.ws || request.method !== 'GET')
        throw new AuthError('NOT_FOUND', 'upgrade on a proxied route')
      if (
        request.identity?.via === 'cookie' &&
        !isSameOriginRequest(request.headers, options.webSockets.allowedOrigins)
      )
        throw new AuthError('CSRF_REJECTED', `websocket origin ${request.headers.origin ?? '(none)'}`)
    }
    if (options.target(request) === undefined) throw new AuthError('NOT_FOUND', 'path not forwarded')
    options.check?.(request)
  })

  // reply-from's errors: 504 for a timeout, 503/500 for the rest (refused, reset, DNS): all 502 here.
  const upstreamFailed = (reply: FastifyReply, error: Error & { statusCode?: number }) => {
    const code = error.statusCode === 504 ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE'
    const cause = (error.cause as { code?: string } | undefined)?.code ?? error.name
    reply.log.warn({ code, cause }, `${options.name} upstream failed`)
    options.fail(reply, code)
  }

  const sessionCookies = options.cookies === 'refuse' ? undefined : options.cookies
  /**
   * What the upstream receives: the client's headers made safe, the identity, and what Sigil
   * vouches for (`vouched`, computed ahead: reply-from's header hook is synchronous).
   */
  const headersFor = (
    request: FastifyRequest,
    headers: IncomingHttpHeaders,
    vouched: Record<string, string>,
  ) => ({
    ...upstreamHeaders(headers, request.identity ?? undefined, {
      forwardedFor: forwardedFor(request),
      proto: request.protocol ?? 'http',
      bodyless: request.method === 'GET' || request.method === 'HEAD',
      ...(sessionCookies === undefined ? {} : { sessionCookies }),
    }),
    ...vouched,
  })
  const vouchFor = async (request: FastifyRequest) =>
    request.identity && options.vouch ? options.vouch(request) : {}
  const withoutCorsGrants = (request: FastifyRequest) =>
    request.identity?.via === 'cookie'
      ? (headers: IncomingHttpHeaders): IncomingHttpHeaders =>
          Object.fromEntries(Object.entries(headers).filter(([name]) => !CORS_GRANTS.includes(name)))
      : undefined

  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    const vouched = await vouchFor(request)
    const rewriteHeaders = withoutCorsGrants(request)
    return reply.from(`${basePath}${options.target(request)}`, {
      // reply-from has already dropped the Connection header and the names it lists, and set Host.
      rewriteRequestHeaders: (_request, headers) => headersFor(request, headers, vouched),
      ...(rewriteHeaders ? { rewriteHeaders } : {}),
      onError: (_reply, { error }) => upstreamFailed(reply, error),
    })
  }

  // Hidden from the OpenAPI document: the backend's surface is its own, not Sigil's.
  // A refused cookie is decided with the other refusals, before the request is counted (against
  // the client IP then, not the cookie's account).
  const route = {
    url: options.url,
    config: { auth: options.auth, refuseSessionCookies: options.cookies === 'refuse' },
    schema: { hide: true },
    handler: forward,
  }
  if (!options.webSockets) {
    app.route({ ...route, method: options.methods })
    return
  }
  const upstreamSockets = new WeakMap<FastifyRequest, WebSocket>()
  app.route({ ...route, method: options.methods.filter((method) => method !== 'GET') })
  app.route({
    ...route,
    method: 'GET',
    // After every auth hook, before the client's 101: a refused or failed upstream is still an
    // HTTP answer. (A plain GET passes straight through to `forward`.)
    preHandler: async (request, reply) => {
      if (!request.ws) return
      const target = new URL(`${basePath}${options.target(request)}`, upstream.origin)
      target.protocol = upstream.protocol === 'https:' ? 'wss:' : 'ws:'
      target.search = new URL(request.url, 'http://sigil.invalid').search
      const opened = await openUpstreamSocket(
        target,
        request.raw,
        headersFor(request, withoutConnectionListed(request.headers), await vouchFor(request)),
        timeout,
      )
      if ('malformed' in opened) throw new AuthError('VALIDATION_FAILED', opened.malformed)
      if ('failed' in opened) {
        reply.log.warn(
          { code: opened.failed, cause: opened.cause },
          `${options.name} upstream websocket failed`,
        )
        options.fail(reply, opened.failed)
        return reply
      }
      if ('answered' in opened) {
        // The upstream's own refusal (its 401, 404, …) reaches the client as the HTTP proxy would
        // relay it, minus hop-by-hop fields (and CORS grants, for a cookie).
        const { answered, abort } = opened
        reply.raw.once('close', abort)
        const strip = withoutCorsGrants(request) ?? ((headers: IncomingHttpHeaders) => headers)
        reply.code(answered.statusCode ?? 502).headers(strip(withoutHopByHop(answered.headers)))
        return reply.send(answered)
      }
      const socket = opened.open
      upstreamSockets.set(request, socket)
      // The client's handshake may still fail (ws answers a bad key with 400): no upstream is kept.
      request.raw.socket.once('close', () => {
        if (upstreamSockets.has(request)) socket.terminate()
      })
    },
    wsHandler: (client, request) => {
      const socket = upstreamSockets.get(request)
      upstreamSockets.delete(request)
      if (!socket) return client.close(1011)
      bridge(client, socket)
      const identity = request.identity
      const tracker = options.webSockets?.liveConnections
      if (!identity || !tracker) return
      // No frame of Sigil's on a socket whose protocol is the upstream's: the close code says why.
      const untrack = tracker.track({
        identity,
        end: ({ reason }) => client.close(closeCodeFor(reason), reason),
      })
      client.once('close', untrack)
    },
  })
}

/** Response fields that describe one connection only (RFC 9110 §7.6.1), never relayed. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
])

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)))
}

/**
 * The client's headers without those its Connection header declares hop-by-hop (RFC 9110 §7.6.1),
 * as reply-from does for HTTP: they were meant for Sigil, not the upstream.
 */
function withoutConnectionListed(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const listed = new Set(
    (typeof headers.connection === 'string' ? headers.connection : '')
      .split(',')
      .map((name) => name.trim().toLowerCase()),
  )
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !listed.has(name)))
}
