import type { FastifyReply } from 'fastify'
import type { Config } from '../../config.js'

/**
 * The session cookie's attributes, in one place. On https: `__Host-` prefix (so no Domain and
 * Path=/ are enforced by the browser), Secure, HttpOnly, SameSite=Lax. On plain http (local
 * development only) browsers refuse `Secure` and `__Host-`, so the cookie is named without the
 * prefix and sent without Secure: documented in docs/api.md.
 */
export function setSessionCookie(
  reply: FastifyReply,
  config: Config,
  value: string,
  expiresAt: number,
  now: number,
) {
  reply.setCookie(config.sessionCookieName, value, {
    httpOnly: true,
    secure: config.sessionCookieSecure,
    sameSite: 'lax',
    path: '/',
    maxAge: Math.max(0, Math.floor((expiresAt - now) / 1000)),
  })
}

export function clearSessionCookie(reply: FastifyReply, config: Config) {
  reply.clearCookie(config.sessionCookieName, {
    path: '/',
    secure: config.sessionCookieSecure,
    httpOnly: true,
    sameSite: 'lax',
  })
}
