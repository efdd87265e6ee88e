/**
 * What a credential may do. A wallet sign-in (JWT or session) holds the whole account; API keys
 * (a later issue) hold `read` or `read trade`. `account` guards credential management.
 */
export const SCOPES = ['read', 'trade', 'account'] as const
export type Scope = (typeof SCOPES)[number]

export const ACCOUNT_SCOPES: readonly Scope[] = ['read', 'trade', 'account']

export function parseScopeClaim(claim: string): Scope[] {
  return claim.split(' ').filter((s): s is Scope => (SCOPES as readonly string[]).includes(s))
}
