/**
 * An {@link HttpRequestSigner} over a raw private key, with @noble/curves and @noble/hashes (pure
 * JavaScript: the same code in browsers and Node). Ed25519 is deterministic (RFC 8032); P-256
 * signatures are deterministic too (RFC 6979) and low-s, which Sigil's verifier accepts like any
 * other `s`.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { p256 } from '@noble/curves/nist.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { ok, type Result, reject } from '../result.js'
import type { HttpRequestSigner } from './http-request-signer.js'
import type { HttpSignatureAlgorithm } from './signature-algorithms.js'

export interface HttpRequestSignerKey {
  keyId: string
  alg: HttpSignatureAlgorithm
  /**
   * Ed25519: the 32-byte RFC 8032 secret key (the seed). P-256: the 32-byte big-endian scalar.
   * HMAC-SHA256: the shared secret (at least 32 bytes).
   */
  privateKey: Uint8Array
}

export function createHttpRequestSigner(
  key: HttpRequestSignerKey,
): Result<HttpRequestSigner, 'invalid_private_key'> {
  // A copy: the caller may wipe or reuse its buffer.
  const secret = Uint8Array.from(key.privateKey)
  const { keyId, alg } = key
  switch (alg) {
    case 'ed25519':
      if (secret.length !== 32) return reject('invalid_private_key')
      return ok({ keyId, alg, sign: (base) => ed25519.sign(base, secret) })
    case 'ecdsa-p256-sha256':
      if (!p256.utils.isValidSecretKey(secret)) return reject('invalid_private_key')
      return ok({
        keyId,
        alg,
        sign: (base) => p256.sign(base, secret, { prehash: true, format: 'compact' }),
      })
    case 'hmac-sha256':
      if (secret.length < 32) return reject('invalid_private_key')
      return ok({ keyId, alg, sign: (base) => hmac(sha256, secret, base) })
    default:
      return reject('invalid_private_key')
  }
}
