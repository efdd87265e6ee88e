/**
 * The JWK Set (RFC 7517 §5) that publishes the public halves of the signing keys, so that anyone
 * can verify Sigil's RFC 9068 / RFC 7519 access tokens by `kid` (an RFC 7638 thumbprint).
 */
import type { JWK } from 'jose'
import type { SigningAlgorithm } from './signing-algorithm.js'

/** What the JWKS needs from a key-ring entry: a stored {@link SigningKeyPair} fits. */
export type JwksEntry = { kid: string; alg: SigningAlgorithm; publicJwk: JWK }

/** An RFC 7517 §5 JWK Set: the body of `/.well-known/jwks.json`. */
export type JsonWebKeySet = { keys: JWK[] }

/**
 * Builds the JWKS document for `/.well-known/jwks.json`, in the order given (active key first, by
 * convention).
 *
 * Each key is rebuilt from an allowlist (`kty`, `crv`, `x`, `y`) plus `kid`, `alg` and `use: 'sig'`,
 * never copied: a private JWK passed here by mistake still publishes only its public half, because
 * `d` (or any other member) is never read.
 *
 * @example
 * reply.header('cache-control', 'public, max-age=300').send(createJwks(ring.published))
 */
export function createJwks(keys: readonly JwksEntry[]): JsonWebKeySet {
  return { keys: keys.map(publicMembers) }
}

function publicMembers({ kid, alg, publicJwk }: JwksEntry): JWK {
  const jwk: JWK = {}
  if (typeof publicJwk.kty === 'string') jwk.kty = publicJwk.kty
  if (typeof publicJwk.crv === 'string') jwk.crv = publicJwk.crv
  if (typeof publicJwk.x === 'string') jwk.x = publicJwk.x
  if (typeof publicJwk.y === 'string') jwk.y = publicJwk.y
  // From the ring entry, not the JWK: the ring is what verifiers pin, so the JWKS must say the same.
  jwk.kid = kid
  jwk.alg = alg
  jwk.use = 'sig'
  return jwk
}
