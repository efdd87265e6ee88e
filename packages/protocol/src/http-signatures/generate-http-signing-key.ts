/**
 * A fresh request-signing key pair, from the platform's CSPRNG (`crypto.getRandomValues`, in
 * browsers and Node 20 alike), for a client that registers its public key with Sigil.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { p256 } from '@noble/curves/nist.js'

export type AsymmetricHttpSignatureAlgorithm = 'ed25519' | 'ecdsa-p256-sha256'

export interface HttpSigningKeyPair {
  alg: AsymmetricHttpSignatureAlgorithm
  /** Ed25519: the 32-byte seed; P-256: the 32-byte scalar. */
  privateKey: Uint8Array
  /** Ed25519: 32 bytes (RFC 8032); P-256: the 65-byte uncompressed SEC 1 point. */
  publicKey: Uint8Array
}

export function generateHttpSigningKey(
  alg: AsymmetricHttpSignatureAlgorithm = 'ed25519',
): HttpSigningKeyPair {
  if (alg === 'ed25519') {
    const privateKey = ed25519.utils.randomSecretKey()
    return { alg, privateKey, publicKey: ed25519.getPublicKey(privateKey) }
  }
  const privateKey = p256.utils.randomSecretKey()
  return { alg, privateKey, publicKey: p256.getPublicKey(privateKey, false) }
}
