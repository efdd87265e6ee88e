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
  /** An API-key request proved by an RFC 9421 signature (a public-key key), not a bearer secret. */
  signedRequest?: true
  /**
   * Other accounts this credential may act for: a Paradex JWT issued with
   * PARADEX-AUTHORIZE-ISOLATED-MARKETS covers the account's isolated-market sub-accounts.
   */
  isolatedAccountIds?: readonly string[]
}

/** Every account an identity may act for: its own first, then any it was authorized for. */
export const actingAccountIds = (identity: Identity): readonly string[] => [
  identity.accountId,
  ...(identity.isolatedAccountIds ?? []),
]
