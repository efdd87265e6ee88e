import type { FastifyReply } from 'fastify'
import type { Config } from '../../config.js'

/** How one API's session cookie is named and flagged (native, or a venue dialect's). */
export interface SessionCookie {
  name: string
  secure: boolean
  sameSite: 'lax' | 'none'
}

/**
 * The native session cookie. On https: `__Host-` prefix (so no Domain and Path=/ are enforced by
 * the browser), Secure, HttpOnly, SameSite=Lax. On plain http (local development only) browsers
 * refuse `Secure` and `__Host-`, so the cookie is named without the prefix and sent without
 * Secure: documented in docs/api.md.
 */
export function nativeSessionCookie(config: Config): SessionCookie {
  return { name: config.sessionCookieName, secure: config.sessionCookieSecure, sameSite: 'lax' }
}

export function setSessionCookie(
  reply: FastifyReply,
  cookie: SessionCookie,
  value: string,
  expiresAt: number,
  now: number,
) {
  reply.setCookie(cookie.name, value, {
    httpOnly: true,
    secure: cookie.secure,
    sameSite: cookie.sameSite,
    path: '/',
    // Rounded: a lifetime computed a few ms before sending is still the whole 604800 s.
    maxAge: Math.max(0, Math.round((expiresAt - now) / 1000)),
  })
}

export function clearSessionCookie(reply: FastifyReply, cookie: SessionCookie) {
  reply.clearCookie(cookie.name, {
    path: '/',
    secure: cookie.secure,
    httpOnly: true,
    sameSite: cookie.sameSite,
  })
}
