/**
 * The public half of a request-signing private key (the bytes `generateHttpSigningKey` returns),
 * so a client holding only its private key can show what to register, and check that a key file's
 * public part matches its private part.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { p256 } from '@noble/curves/nist.js'
import { ok, type Result, reject } from '../result.js'
import type { AsymmetricHttpSignatureAlgorithm } from './generate-http-signing-key.js'

/** Ed25519: 32 bytes; P-256: the 65-byte uncompressed SEC 1 point. */
export function httpSigningPublicKey(
  alg: AsymmetricHttpSignatureAlgorithm,
  privateKey: Uint8Array,
): Result<Uint8Array, 'invalid_private_key'> {
  if (alg === 'ed25519') {
    return privateKey.length === 32 ? ok(ed25519.getPublicKey(privateKey)) : reject('invalid_private_key')
  }
  if (alg === 'ecdsa-p256-sha256' && p256.utils.isValidSecretKey(privateKey)) {
    return ok(p256.getPublicKey(privateKey, false))
  }
  return reject('invalid_private_key')
}
