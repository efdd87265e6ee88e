import type { FastifyInstance } from 'fastify'
import { publicPathsPolicy } from '../../../core/policy/public-paths-policy.js'
import type { CompiledRoutePolicy } from '../../../core/policy/route-policy.js'
import { registerUpstreamProxy } from '../../proxy/upstream-proxy.js'
import { sendDialectError } from '../dialect-errors.js'
import { paradexErrors } from './errors.js'
import { refuseSubkeysOn } from './main-key-paths.js'
import type { ParadexSettingsValue } from './settings.js'
import { upstreamPath } from './upstream-request.js'

/**
 * Reverse-proxy mode (`paradex.upstreamUrl`): every `<prefix>/v1/…` request no Sigil route serves
 * goes to the trading backend (http/proxy/upstream-proxy.ts) as the route policy allows
 * (paradexUpstreamPolicy): public market data anonymous (no identity header reaches the backend,
 * the client's IP budget applies), reads `read`, the rest `trade`, except that a subkey's JWT
 * only reads the main-key paths (main-key-paths.ts). `<prefix>/v1` itself (the
 * WebSocket) is not under the catch-all.
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
  await registerUpstreamProxy(app, {
    upstreamUrl: settings.upstreamUrl,
    timeoutSeconds: settings.upstreamTimeoutSeconds,
    url: '/v1/*',
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    auth: { policy, prefix: app.prefix },
    target: (request) => upstreamPath(request.url, settings.prefix),
    check: refuseSubkeysOn(settings.upstreamMainKeyPaths, settings.prefix),
    cookies: 'refuse',
    fail: (reply, code) => sendDialectError(paradexErrors, reply, code),
    name: 'paradex',
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
