/**
 * The claim set of a Sigil access token: an RFC 9068 (JWT Profile for OAuth 2.0 Access Tokens)
 * JWT, itself RFC 7519. Claim names are the registered ones (RFC 7519 §4.1, RFC 9068 §2.2, RFC 8693
 * §4.2 for `scope`), so resource servers and API gateways can read them without Sigil's code.
 */
/** Most `isolated_accounts` a token may carry: signing refuses more, and so does verifying. */
export const MAX_ISOLATED_ACCOUNTS = 256

export type AccessTokenClaims = {
  /** Issuer: the gateway's configured issuer URL. */
  iss: string
  /** Audience: the API the token is for. A single string: Sigil never issues multi-audience tokens. */
  aud: string
  /** Subject: the account id. */
  sub: string
  /** The client (dialect or application) the token was issued to (RFC 9068 §2.2). */
  client_id: string
  /** Issued at, epoch seconds (NumericDate). */
  iat: number
  /** Expiry, epoch seconds (NumericDate). */
  exp: number
  /** Unique token id: the key of the revocation denylist. */
  jti: string
  /** Session id: revoking the session revokes every access token that carries it. */
  sid: string
  /** Granted scopes, space-separated (RFC 6749 §3.3); may be empty. */
  scope: string
  /**
   * Isolated-market accounts the bearer may also act for (Paradex's
   * PARADEX-AUTHORIZE-ISOLATED-MARKETS). Private claim; absent when there are none.
   */
  isolated_accounts?: string[]
  /**
   * The Paradex subkey (its stark public key, `0x` hex) that signed the auth request this token was
   * issued for: the bearer trades for the account but never manages its keys. Private claim;
   * absent when the account's own key signed.
   */
  subkey?: string
}
