/**
 * The verify endpoint's signed assertion (as Pomerium's `X-Pomerium-Jwt-Assertion`): a short-lived
 * JWT a backend checks against Sigil's JWKS, so it no longer has to trust that only Sigil reaches it.
 */
import { SignJWT } from 'jose'
import type { ImportedSigningKey } from './import-signing-key.js'

/**
 * The explicit type (RFC 8725 §3.11) that keeps an assertion from passing as an access token
 * (`at+jwt`) or the reverse: a verifier of either checks `typ`.
 */
export const VERIFY_ASSERTION_TYPE = 'sigil-assertion+jwt'

export interface VerifyAssertionClaims {
  iss: string
  /** The upstream the assertion is for (`verifyAssertionAudience`), never the access-token audience. */
  aud: string
  /** The account. */
  sub: string
  iat: number
  exp: number
  jti: string
  /** Space-separated scopes of the credential. */
  scope: string
  /** How the caller proved who they are: `jwt`, `cookie`, `session`, `api_key`. */
  credential: string
  /** The API key behind the request, when one was used. */
  key_id?: string
  /** The original request, as the proxy stated it. */
  method: string
  path: string
}

/** Signs `claims` with the header `{ alg, kid, typ: 'sigil-assertion+jwt' }`. */
export async function signVerifyAssertion(
  claims: VerifyAssertionClaims,
  key: Pick<ImportedSigningKey, 'kid' | 'alg' | 'privateKey'>,
): Promise<string> {
  // Member by member: extra members of a structurally typed argument must not be signed.
  const { iss, aud, sub, iat, exp, jti, scope, credential, key_id, method, path } = claims
  return new SignJWT({
    iss,
    aud,
    sub,
    iat,
    exp,
    jti,
    scope,
    credential,
    ...(key_id ? { key_id } : {}),
    method,
    path,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: VERIFY_ASSERTION_TYPE })
    .sign(key.privateKey)
}
