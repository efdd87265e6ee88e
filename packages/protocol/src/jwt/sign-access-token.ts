/**
 * Signs an RFC 9068 access token: a JWT (RFC 7519) in JWS compact form with the header
 * `{ alg, kid, typ: 'at+jwt' }`, where `kid` is the RFC 7638 thumbprint the JWKS (RFC 7517) lists.
 */
import { SignJWT } from 'jose'
import { type AccessTokenClaims, MAX_ISOLATED_ACCOUNTS } from './access-token-claims.js'
import type { ImportedSigningKey } from './import-signing-key.js'

/**
 * Signs `claims` with `key`. The header is exactly `{ alg, kid, typ: 'at+jwt' }`: `typ` is the
 * RFC 9068 §2.1 explicit type that keeps an access token from passing as any other JWT (RFC 8725
 * §3.11), and nothing else goes in the header because verifiers reject any other member.
 *
 * Throws only on programmer error (a non-finite `iat`/`exp`, a key that does not match its `alg`).
 *
 * @example
 * const token = await signAccessToken(
 *   { iss, aud, sub: accountId, client_id: 'native', iat: now, exp: now + 300, jti, sid, scope: 'read trade' },
 *   ring.active,
 * )
 */
export async function signAccessToken(
  claims: AccessTokenClaims,
  key: Pick<ImportedSigningKey, 'kid' | 'alg' | 'privateKey'>,
): Promise<string> {
  return new SignJWT(accessTokenPayload(claims))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .sign(key.privateKey)
}

/**
 * The payload an access token signs for `claims`, in the claims' order: what every signer of
 * access tokens (this one, the server's synchronous one) writes. Throws on a token the verifier
 * would refuse (too many isolated accounts) and on a non-finite `iat`/`exp`.
 */
export function accessTokenPayload(claims: AccessTokenClaims): AccessTokenClaims {
  // Copy member by member: the type is structural, so a caller could hand over an object with
  // extra members, and those must not end up signed into a bearer token.
  const { iss, aud, sub, client_id, iat, exp, jti, sid, scope, isolated_accounts, subkey } = claims
  // A token the verifier would refuse must not be issued at all.
  if (isolated_accounts !== undefined && isolated_accounts.length > MAX_ISOLATED_ACCOUNTS) {
    throw new RangeError(`isolated_accounts: at most ${MAX_ISOLATED_ACCOUNTS}`)
  }
  if (!Number.isFinite(iat) || !Number.isFinite(exp))
    throw new TypeError('iat and exp must be finite numbers')
  return {
    iss,
    aud,
    sub,
    client_id,
    iat,
    exp,
    jti,
    sid,
    scope,
    ...(isolated_accounts === undefined ? {} : { isolated_accounts: [...isolated_accounts] }),
    ...(subkey === undefined ? {} : { subkey }),
  }
}
