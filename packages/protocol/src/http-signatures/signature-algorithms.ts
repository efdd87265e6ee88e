/**
 * RFC 9421 §3.3: the three algorithms Sigil accepts, each bound to one key type, so the algorithm
 * always comes from the registered key and never from the request.
 *
 * - `ed25519` (§3.3.6): RFC 8032 verification, strict (not ZIP-215: non-canonical encodings of R
 *   or A are refused, as RFC 8032 §5.1.7 says).
 * - `ecdsa-p256-sha256` (§3.3.4): raw `r || s`, 64 bytes. Both `s` and `n - s` verify: RFC 9421
 *   does not require low-s and common signers (WebCrypto, OpenSSL) emit either. The malleability
 *   this allows is harmless because replays are keyed by the signature base hash, never by the
 *   signature bytes.
 * - `hmac-sha256` (§3.3.3): 32-byte MAC compared without an early exit.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { p256 } from '@noble/curves/nist.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesEqual } from '../evm/bytes-equal.js'

export type HttpSignatureAlgorithm = 'ed25519' | 'ecdsa-p256-sha256' | 'hmac-sha256'

export const HTTP_SIGNATURE_ALGORITHMS: readonly HttpSignatureAlgorithm[] = [
  'ed25519',
  'ecdsa-p256-sha256',
  'hmac-sha256',
]

/** A verification key; its `alg` is the only algorithm a signature under it may use. */
export type HttpSignatureKey =
  /** 32-byte RFC 8032 public key. */
  | { alg: 'ed25519'; publicKey: Uint8Array }
  /** SEC 1 encoded P-256 point, compressed (33 bytes) or not (65 bytes). */
  | { alg: 'ecdsa-p256-sha256'; publicKey: Uint8Array }
  /** The shared secret. */
  | { alg: 'hmac-sha256'; secret: Uint8Array }

const SIGNATURE_LENGTH: Record<HttpSignatureAlgorithm, number> = {
  ed25519: 64,
  'ecdsa-p256-sha256': 64,
  'hmac-sha256': 32,
}

export function signatureLengthOf(alg: HttpSignatureAlgorithm): number {
  return SIGNATURE_LENGTH[alg]
}

/** True only for a valid signature; a malformed key or signature is false, never an exception. */
export function verifySignatureBytes(
  key: HttpSignatureKey,
  base: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (signature.length !== SIGNATURE_LENGTH[key.alg]) return false
  try {
    switch (key.alg) {
      case 'ed25519':
        return ed25519.verify(signature, base, key.publicKey, { zip215: false })
      case 'ecdsa-p256-sha256':
        return p256.verify(signature, base, key.publicKey, { prehash: true, lowS: false, format: 'compact' })
      case 'hmac-sha256':
        return bytesEqual(hmac(sha256, key.secret, base), signature)
    }
  } catch {
    return false
  }
}
