import {
  type AsymmetricHttpSignatureAlgorithm,
  generateHttpSigningKey,
} from '@sigil/protocol/http-signatures'
import { toBase64Url } from './base64url.js'
import { type PrivateSigningJwk, type PublicSigningJwk, publicJwk } from './signing-jwk.js'

export interface RequestSigningKeyPair {
  /** Keep it secret: store it where only the bot can read it. */
  privateKey: PrivateSigningJwk
  /** Register it: `apiKeys.create({ name, scope, publicKey })`. */
  publicKey: PublicSigningJwk
}

/** A new key pair (default Ed25519) as JWKs, from the platform's CSPRNG. */
export function generateRequestSigningKey(
  alg: AsymmetricHttpSignatureAlgorithm = 'ed25519',
): RequestSigningKeyPair {
  const pair = generateHttpSigningKey(alg)
  const publicKey = publicJwk(alg, pair.publicKey)
  return { privateKey: { ...publicKey, d: toBase64Url(pair.privateKey) }, publicKey }
}
