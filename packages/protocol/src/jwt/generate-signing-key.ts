/**
 * Signing-key generation for access tokens (RFC 7519 / RFC 9068), exported as JWK (RFC 7517) and
 * identified by the RFC 7638 JWK thumbprint.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose'
import type { SigningAlgorithm } from './signing-algorithm.js'

/**
 * A signing key as the server stores it: the private JWK (which storage may encrypt at rest), the
 * public JWK that goes into the JWKS, and the `kid` that selects it.
 */
export type SigningKeyPair = {
  /** RFC 7638 SHA-256 thumbprint of the public JWK (base64url, 43 characters). */
  kid: string
  alg: SigningAlgorithm
  /** Secret: contains `d`. Never log, never publish. */
  privateJwk: JWK
  publicJwk: JWK
}

/**
 * Generates a fresh key pair for `alg` (`EdDSA` is Ed25519).
 *
 * The `kid` is the key's RFC 7638 thumbprint rather than a counter or a random id: it is derived from
 * the key itself, so it can never be reused for a different key (anchors §3: "never reuse kids"),
 * and any holder of the public JWK can recompute and check it.
 *
 * @example
 * const pair = await generateSigningKey('ES256')
 * await keyStore.insert({ kid: pair.kid, alg: pair.alg, privateJwk: encrypt(pair.privateJwk), publicJwk: pair.publicJwk })
 */
export async function generateSigningKey(alg: SigningAlgorithm): Promise<SigningKeyPair> {
  // Extractable because the private key must leave the process once, to be stored; the copy the
  // server signs with is re-imported non-extractable by importSigningKey.
  const { privateKey, publicKey } = await generateKeyPair(
    alg,
    alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true },
  )
  const [privateMaterial, publicMaterial] = await Promise.all([exportJWK(privateKey), exportJWK(publicKey)])
  const kid = await calculateJwkThumbprint(publicMaterial, 'sha256')
  // `alg` and `use` on the JWKs make a stored key self-describing, and jose's importJWK refuses to
  // use a JWK whose `alg` differs from the one asked for.
  const labels = { kid, alg, use: 'sig' } as const
  return {
    kid,
    alg,
    privateJwk: { ...privateMaterial, ...labels },
    publicJwk: { ...publicMaterial, ...labels },
  }
}
