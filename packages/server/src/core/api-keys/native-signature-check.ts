import { createPublicKey, type KeyObject, verify } from 'node:crypto'
import { type HttpSignatureKey, httpSignatureKeyOf, type PublicKeyJwk } from '@sigil/protocol/http-signatures'

/**
 * Signed requests verified by Node's native crypto (OpenSSL), not @noble's pure JavaScript: an
 * Ed25519 verify costs tens of microseconds instead of about a millisecond, and it runs on every
 * signed request. The rules stay the protocol's: the algorithm is the key's (this only runs for a
 * key resolved from its record), Ed25519 keys were checked canonical and of large order at
 * registration (parsePublicKeyJwk), OpenSSL refuses a non-canonical S or R, and P-256 takes raw
 * `r || s` (`ieee-p1363`) with either `s` (no low-s rule, as RFC 9421 and the protocol layer).
 *
 * The KeyObject is built once per stored JWK object: the verified-key cache keeps the same record,
 * so a cached key costs no key parsing either.
 */
const native = new WeakMap<PublicKeyJwk, HttpSignatureKey>()
const keyObjects = new WeakMap<HttpSignatureKey, KeyObject>()

/** The verification key of a registered JWK, with its native KeyObject attached. */
export function nativeKeyOf(jwk: PublicKeyJwk): HttpSignatureKey {
  const known = native.get(jwk)
  if (known) return known
  const key = httpSignatureKeyOf(jwk)
  keyObjects.set(key, createPublicKey({ key: { ...jwk }, format: 'jwk' }))
  native.set(jwk, key)
  return key
}

/** verifyHttpSignature's `verifySignature`: false for anything that does not verify, never a throw. */
export function verifyNatively(key: HttpSignatureKey, base: Uint8Array, signature: Uint8Array): boolean {
  const keyObject = keyObjects.get(key)
  if (!keyObject) return false
  try {
    return key.alg === 'ed25519'
      ? verify(null, base, keyObject, signature)
      : verify('sha256', base, { key: keyObject, dsaEncoding: 'ieee-p1363' }, signature)
  } catch {
    return false
  }
}
