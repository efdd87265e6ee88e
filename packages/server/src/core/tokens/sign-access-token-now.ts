import { KeyObject, sign } from 'node:crypto'
import { type AccessTokenClaims, accessTokenPayload, type ImportedSigningKey } from '@sigil/protocol'

type SigningKey = Pick<ImportedSigningKey, 'kid' | 'alg' | 'privateKey'>

/** The digest each algorithm signs over (RFC 7518 §3.4); Ed25519 hashes internally (RFC 8037). */
const DIGEST: Record<ImportedSigningKey['alg'], string | null> = {
  ES256: 'sha256',
  ES384: 'sha384',
  EdDSA: null,
}

const base64url = (text: string) => Buffer.from(text).toString('base64url')

/**
 * The access-token signer of protocol's `signAccessToken`, made synchronous: the same header
 * `{ alg, kid, typ: 'at+jwt' }`, the same payload (protocol's `accessTokenPayload`) (byte for byte the JWS that
 * jose produces, apart from the randomized ECDSA signature), signed by node:crypto's one-shot
 * `sign` over the same OpenSSL key. Hand-written on purpose, and only this: jose signs through
 * WebCrypto, whose `subtle.sign` is an asynchronous thread-pool job costing ≈80 µs of CPU per
 * ES256 token against ≈33 µs for `crypto.sign` (measured, bench/RESULTS.md, session 6), ≈10 % of
 * a whole sign-in, and jose has no synchronous or reusable path. Verification stays with jose
 * (protocol's `verifyAccessToken`), and the tests check that what this signs verifies there.
 *
 * Keeps, per key, the Node key object and the encoded header (keys are few and never change).
 */
export function createAccessTokenSigner(): (claims: AccessTokenClaims, key: SigningKey) => string {
  const perKey = new WeakMap<SigningKey['privateKey'], { keyObject: KeyObject; header: string }>()
  const prepared = (key: SigningKey) => {
    let entry = perKey.get(key.privateKey)
    if (!entry) {
      const header = base64url(JSON.stringify({ alg: key.alg, kid: key.kid, typ: 'at+jwt' }))
      entry = { keyObject: KeyObject.from(key.privateKey), header }
      perKey.set(key.privateKey, entry)
    }
    return entry
  }
  return (claims, key) => {
    const payload = accessTokenPayload(claims)
    const { keyObject, header } = prepared(key)
    const input = `${header}.${base64url(JSON.stringify(payload))}`
    const signature = sign(DIGEST[key.alg], Buffer.from(input), { key: keyObject, dsaEncoding: 'ieee-p1363' })
    return `${input}.${signature.toString('base64url')}`
  }
}
