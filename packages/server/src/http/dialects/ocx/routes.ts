import type { FastifyInstance } from 'fastify'
import type { Config } from '../../../config.js'
import type { Gateway } from '../../../core/gateway.js'
import type { SessionCookie } from '../../plugins/session-cookie.js'

/** OCX's session cookie: `astra_session` by default, `SameSite=None; Secure` as OCX sets it. */
export function ocxSessionCookie(config: Config): SessionCookie {
  return { name: config.ocxSessionCookieName, secure: true, sameSite: 'none' }
}

/** The OCX dialect (stub: routes follow). */
export async function ocxRoutes(_app: FastifyInstance, _options: { gateway: Gateway; config: Config }) {}
