import { createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify } from 'node:crypto'
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

const hmacKeys = new WeakMap<Uint8Array, HttpSignatureKey>()

/**
 * The `hmac-sha256` key of a sealed secret (hmac-secret.ts), opened once per stored record (the
 * verified-key cache keeps the same bytes object); undefined when it does not open.
 */
export function hmacKeyOf(
  sealed: Uint8Array,
  open: (sealed: Uint8Array) => Uint8Array | undefined,
): HttpSignatureKey | undefined {
  const known = hmacKeys.get(sealed)
  if (known) return known
  const secret = open(sealed)
  if (!secret) return undefined
  const key: HttpSignatureKey = { alg: 'hmac-sha256', secret }
  hmacKeys.set(sealed, key)
  return key
}

/** verifyHttpSignature's `verifySignature`: false for anything that does not verify, never a throw. */
export function verifyNatively(key: HttpSignatureKey, base: Uint8Array, signature: Uint8Array): boolean {
  if (key.alg === 'hmac-sha256') {
    const mac = createHmac('sha256', key.secret).update(base).digest()
    return mac.length === signature.length && timingSafeEqual(mac, signature)
  }
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
