import replyFrom from '@fastify/reply-from'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AuthError } from '../../../core/errors.js'
import { publicPathsPolicy } from '../../../core/policy/public-paths-policy.js'
import type { CompiledRoutePolicy } from '../../../core/policy/route-policy.js'
import { sendDialectError } from '../dialect-errors.js'
import { paradexErrors } from './errors.js'
import type { ParadexSettingsValue } from './settings.js'
import { upstreamHeaders, upstreamPath } from './upstream-request.js'

/** Whom Sigil believes the request came from: XFF order, client first, Sigil's own peer last. */
const forwardedFor = (request: FastifyRequest) =>
  (request.ips ? [...request.ips].reverse() : [request.ip]).join(', ')

/**
 * Reverse-proxy mode (`paradex.upstreamUrl`): every `<prefix>/v1/…` request no Sigil route serves
 * goes to the trading backend once its credential holds `read` (GET, HEAD) or `trade` (anything
 * else). The catch-all is a wildcard, which the router ranks below every static and parametric
 * route, so Sigil's own paths always win; `<prefix>/v1` itself (the WebSocket) is not under it.
 *
 * Header credentials only (Bearer JWT of any API, API keys, a session value as Bearer): a browser
 * never attaches those by itself. A session cookie is refused outright, whatever the method: the
 * backend's answers (and its CORS headers) would otherwise be readable with the victim's cookie.
 */
export async function paradexUpstreamProxy(
  app: FastifyInstance,
  { settings, policy }: { settings: ParadexSettingsValue; policy: CompiledRoutePolicy | undefined },
) {
  if (settings.upstreamUrl === undefined || policy === undefined) return
  const upstream = new URL(settings.upstreamUrl)
  const basePath = upstream.pathname.replace(/\/+$/, '')
  const timeout = settings.upstreamTimeoutSeconds * 1000

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

  // Bodies go through as the client's bytes, streamed: never parsed, re-serialized or buffered.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload))

  // Runs after the app's identify, rate-limit and authorize hooks, before any body is read.
  app.addHook('onRequest', async (request) => {
    if (request.identity?.via === 'cookie') {
      throw new AuthError('CREDENTIAL_MISSING', 'session cookie on a proxied route')
    }
    if (request.headers.upgrade !== undefined) throw new AuthError('NOT_FOUND', 'upgrade on a proxied route')
    if (upstreamPath(request.url, settings.prefix) === undefined) {
      throw new AuthError('NOT_FOUND', 'path not plainly under /v1')
    }
  })

  // reply-from's errors: 504 for a timeout, 503/500 for the rest (refused, reset, DNS): all 502 here.
  const upstreamFailed = (reply: FastifyReply, error: Error & { statusCode?: number }) => {
    const code = error.statusCode === 504 ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE'
    const cause = (error.cause as { code?: string } | undefined)?.code ?? error.name
    reply.log.warn({ code, cause }, 'paradex upstream failed')
    sendDialectError(paradexErrors, reply, code)
  }

  const forward = async (request: FastifyRequest, reply: FastifyReply) =>
    reply.from(`${basePath}${upstreamPath(request.url, settings.prefix)}`, {
      rewriteRequestHeaders: (_request, headers) =>
        upstreamHeaders(headers, request.identity ?? undefined, {
          forwardedFor: forwardedFor(request),
          proto: request.protocol ?? 'http',
          bodyless: request.method === 'GET' || request.method === 'HEAD',
        }),
      onError: (_reply, { error }) => upstreamFailed(reply, error),
    })

  // One catch-all, hidden from the OpenAPI document (the backend's surface is its own, not
  // Sigil's), ranked by the router below every static and parametric route, so Sigil's own paths
  // win. What each request needs is the route policy's (paradexUpstreamPolicy): public market
  // data anonymous (no identity header reaches the backend, the client's IP budget applies),
  // reads `read`, the rest `trade`.
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/v1/*',
    config: { auth: { policy, prefix: app.prefix } },
    schema: { hide: true },
    handler: forward,
  })
}

/**
 * The reverse proxy's route policy (below the dialect's prefix): the configured public GET paths
 * to anyone, then `read` for reads and `trade` for everything else under `/v1`.
 */
export const paradexUpstreamPolicy = (settings: ParadexSettingsValue) =>
  settings.upstreamUrl === undefined
    ? undefined
    : publicPathsPolicy('/v1', settings.upstreamPublicPaths, 'read-or-trade')
