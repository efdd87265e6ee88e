/**
 * Turns a stored signing key (RFC 7517 JWKs, `kid` = RFC 7638 thumbprint) into key objects that
 * sign and verify access tokens (RFC 7519 / RFC 9068).
 */
import { type CryptoKey, calculateJwkThumbprint, importJWK, type JWK } from 'jose'
import type { SigningKeyPair } from './generate-signing-key.js'
import { isSigningAlgorithm, type SigningAlgorithm } from './signing-algorithm.js'

/** A signing key ready for use. Import it once (at boot or on rotation) and keep it in the key ring. */
export type ImportedSigningKey = {
  kid: string
  alg: SigningAlgorithm
  /** Non-extractable: a bug elsewhere in the process cannot export it. */
  privateKey: CryptoKey
  publicKey: CryptoKey
}

// The members that define the public key. If the private JWK disagrees with the public JWK on any of
// them, the stored pair is corrupt (or was spliced together) and tokens would not verify.
const PUBLIC_KEY_MEMBERS = ['kty', 'crv', 'x', 'y'] as const
// Private members of EC/OKP (`d`), RSA (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`), symmetric (`k`) and AKP
// (`priv`) keys: none may appear in what is supposed to be a public JWK.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const

/**
 * Imports a stored {@link SigningKeyPair}. Importing costs far more than a signature, so do it once
 * per key and reuse the result for every token.
 *
 * Throws a `TypeError` when the stored pair is inconsistent (unknown `alg`, `kid` not the thumbprint of
 * the public key, private and public halves that differ, a public JWK with private members, a curve
 * that does not match `alg`). Stored keys are our own data, not client input: a bad one is a
 * deployment fault that must stop the boot, never a reason to reject tokens one by one. Messages
 * name the `kid` (public) and never key material.
 *
 * @example
 * const ring = new Map((await keyStore.listActive()).map((pair) => [pair.kid, pair]))
 * const keys = new Map(await Promise.all([...ring.values()].map(async (pair) => [pair.kid, await importSigningKey(pair)] as const)))
 */
export async function importSigningKey(pair: SigningKeyPair): Promise<ImportedSigningKey> {
  const { kid, alg, privateJwk, publicJwk } = pair
  if (!isSigningAlgorithm(alg)) throw new TypeError(`signing key ${kid}: unsupported alg`)
  if (PRIVATE_MEMBERS.some((member) => member in publicJwk)) {
    throw new TypeError(`signing key ${kid}: public JWK carries private members`)
  }
  if (typeof privateJwk.d !== 'string') throw new TypeError(`signing key ${kid}: private JWK lacks "d"`)
  if (PUBLIC_KEY_MEMBERS.some((member) => privateJwk[member] !== publicJwk[member])) {
    throw new TypeError(`signing key ${kid}: private and public JWK describe different keys`)
  }
  if ((await calculateJwkThumbprint(publicJwk, 'sha256')) !== kid) {
    throw new TypeError(`signing key ${kid}: kid is not the RFC 7638 thumbprint of the public JWK`)
  }
  const [privateKey, publicKey] = await Promise.all([
    importAsymmetric(privateJwk, alg, kid, false),
    importAsymmetric(publicJwk, alg, kid, true),
  ])
  return { kid, alg, privateKey, publicKey }
}

async function importAsymmetric(
  jwk: JWK,
  alg: SigningAlgorithm,
  kid: string,
  extractable: boolean,
): Promise<CryptoKey> {
  let key: CryptoKey | Uint8Array
  try {
    // Passing `alg` makes jose check the JWK's own `alg` and curve against it.
    key = await importJWK(jwk, alg, { extractable })
  } catch (cause) {
    throw new TypeError(`signing key ${kid}: JWK does not import as an ${alg} key`, { cause })
  }
  // A symmetric (`oct`) JWK imports as raw bytes: never acceptable as a signing key.
  if (key instanceof Uint8Array) throw new TypeError(`signing key ${kid}: symmetric JWK`)
  return key
}
