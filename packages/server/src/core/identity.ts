import type { Scope } from './scopes.js'

/**
 * How the caller proved who they are. `session` is a session value sent in a header (as venues
 * that accept their session cookie as a Bearer token do): the session, without cookie CSRF rules.
 */
export type CredentialKind = 'jwt' | 'cookie' | 'session' | 'api_key'

/** Who is calling, once a credential checked out: what every transport hands to the rules. */
export interface Identity {
  accountId: string
  scopes: readonly Scope[]
  via: CredentialKind
  /** The session behind a JWT or a cookie. */
  sessionId?: string
  /** The key behind an API-key request. */
  apiKeyId?: string
}
