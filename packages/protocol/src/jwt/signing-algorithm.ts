/**
 * The JWS algorithms Sigil signs its access tokens with (RFC 7519 JWT over RFC 7515 JWS; algorithm
 * names from RFC 7518 §3.4 and RFC 8037 §3.1; RFC 9068 §2.1 forbids `none`).
 *
 * Only asymmetric algorithms: verifiers (our replicas, venues, gateways) need the public JWKS
 * (RFC 7517) and never a shared secret, and no HMAC algorithm is ever accepted, which closes the
 * "public key used as an HMAC secret" confusion at the type level.
 *
 * `EdDSA` means Ed25519 here. RFC 9864 registers the fully specified `Ed25519` name and deprecates
 * `EdDSA`, but most deployed verifiers still only know `EdDSA`, so that is the name we emit.
 */
export const SIGNING_ALGORITHMS = ['ES256', 'ES384', 'EdDSA'] as const

export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number]

/**
 * Narrows an untrusted value (such as a JWS header `alg`) to a {@link SigningAlgorithm}.
 *
 * @example
 * isSigningAlgorithm('ES256') // true
 * isSigningAlgorithm('none') // false
 */
export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && (SIGNING_ALGORITHMS as readonly string[]).includes(value)
}
