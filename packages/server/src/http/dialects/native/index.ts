import { nativeChannelRules } from '../../../core/publish-hub/native-channels.js'
import { nativeSessionCookie } from '../../plugins/session-cookie.js'
import { defineDialect } from '../define-dialect.js'
import { nativeAgentKeyRoutes } from './agent-key-routes.js'
import { nativeApiKeyRoutes } from './api-key-routes.js'
import { nativeAuthRoutes } from './auth-routes.js'
import { nativePublishRoutes } from './publish-routes.js'
import { nativeSessionRoutes } from './session-routes.js'
import { NativeSettings } from './settings.js'
import { nativeVerifyRoutes } from './verify-routes.js'
import { registerNativeWebSocket } from './ws/route.js'

/**
 * Sigil's own API: SIWE on the base binding (publicUrl), tokens, cookies, sessions, API keys and
 * the verify endpoint, its JSON-RPC WebSocket (public and private channels), with RFC 9457 problem
 * details (the app's own error body).
 */
export const nativeDialect = defineDialect({
  id: 'native',
  required: true,
  rootPaths: ['/v1'],
  settings: NativeSettings,
  core: { siwe: () => ({}), channels: nativeChannelRules },
  cookies: (_settings, config) => [nativeSessionCookie(config)],
  async routes(app, { gateway, config }) {
    await app.register(nativeAuthRoutes, { prefix: '/v1/auth', gateway, config })
    await app.register(nativeSessionRoutes, { prefix: '/v1/auth/sessions', gateway, config })
    await app.register(nativeApiKeyRoutes, { prefix: '/v1/api-keys', gateway })
    await app.register(nativeAgentKeyRoutes, { prefix: '/v1/agent-keys', gateway })
    await app.register(nativeVerifyRoutes, { prefix: '/v1/verify', config, gateway })
    // Without a token the route does not exist (404): nothing to guess against.
    if (config.publishToken !== undefined)
      await app.register(nativePublishRoutes, {
        prefix: '/v1/internal',
        gateway,
        publishToken: config.publishToken,
      })
  },
  websockets: registerNativeWebSocket,
})
