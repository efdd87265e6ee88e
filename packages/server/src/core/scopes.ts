/**
 * What a credential may do. `read`: reads; `trade`: trading actions (never withdrawals);
 * `account`: managing the account's own credentials (API keys, sessions), which only a wallet
 * sign-in (JWT or session cookie) holds: an API key can never mint or manage keys. `keys`:
 * registering and revoking the account's Paradex subkeys, which only a JWT the account's own
 * (main) key signed for holds: never a subkey's, never an API key.
 */
export const SCOPES = ['read', 'trade', 'account', 'keys'] as const
export type Scope = (typeof SCOPES)[number]

export type AccountStatus = 'active' | 'pending'
export type ApiKeyScope = 'read' | 'trade'

/** A wallet sign-in holds the whole account; a pending account (invite not redeemed) cannot trade. */
export function signInScopes(status: AccountStatus): readonly Scope[] {
  return status === 'active' ? ['read', 'trade', 'account'] : ['read', 'account']
}

export function apiKeyScopes(scope: ApiKeyScope): readonly Scope[] {
  return scope === 'trade' ? ['read', 'trade'] : ['read']
}

export function parseScopeClaim(claim: string): Scope[] {
  return claim.split(' ').filter((s): s is Scope => (SCOPES as readonly string[]).includes(s))
}
