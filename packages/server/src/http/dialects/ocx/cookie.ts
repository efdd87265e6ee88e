import type { Static } from '@sinclair/typebox'
import type { SessionCookie } from '../../plugins/session-cookie.js'
import type { OcxSettings } from './settings.js'

/**
 * OCX's session cookie, with the attributes OCX documents (`HttpOnly; Secure; SameSite=None;
 * Path=/`). SameSite=None lets browsers send it cross-site, so the shared authorization hook's
 * Origin check (the cookie is identified `via: 'cookie'`) is the CSRF control, not the flag.
 */
export function ocxSessionCookie(settings: Static<typeof OcxSettings>): SessionCookie {
  return { name: settings.sessionCookieName, secure: true, sameSite: 'none' }
}
