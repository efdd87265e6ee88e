/**
 * Request-signing keys as JWKs (RFC 7517/8037): Ed25519 as `{"kty":"OKP","crv":"Ed25519"}`, P-256
 * as `{"kty":"EC","crv":"P-256"}`, the form `POST /v1/api-keys` takes the public key in.
 */
import { type AsymmetricHttpSignatureAlgorithm, httpSigningPublicKey } from '@sigil/protocol/http-signatures'
import { SigilError } from '../errors.js'
import type { PublicSigningJwk } from '../types.js'
import { fromBase64Url, toBase64Url } from './base64url.js'

export type { PublicSigningJwk }

/** A private JWK: the public members plus `d`. */
export type PrivateSigningJwk = PublicSigningJwk & { d: string }

/** Any JWK as read from a file (the DOM's `JsonWebKey` fits). */
export interface JwkLike {
  kty?: string | undefined
  crv?: string | undefined
  x?: string | undefined
  y?: string | undefined
  d?: string | undefined
}

const invalid = (detail: string) => new SigilError({ code: 'INVALID_SIGNING_KEY', detail })

/** The public JWK of a raw public key (32 bytes Ed25519, 65-byte SEC 1 point P-256). */
export function publicJwk(alg: AsymmetricHttpSignatureAlgorithm, publicKey: Uint8Array): PublicSigningJwk {
  if (alg === 'ed25519') return { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(publicKey) }
  return {
    kty: 'EC',
    crv: 'P-256',
    x: toBase64Url(publicKey.subarray(1, 33)),
    y: toBase64Url(publicKey.subarray(33, 65)),
  }
}

/**
 * The algorithm and raw private key of a private JWK. Its public members must be those of `d`: a
 * key file whose halves disagree would register one key and sign with another.
 */
export function readPrivateJwk(jwk: JwkLike): {
  alg: AsymmetricHttpSignatureAlgorithm
  privateKey: Uint8Array
  publicJwk: PublicSigningJwk
} {
  let alg: AsymmetricHttpSignatureAlgorithm
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') alg = 'ed25519'
  else if (jwk.kty === 'EC' && jwk.crv === 'P-256') alg = 'ecdsa-p256-sha256'
  else throw invalid('only OKP Ed25519 and EC P-256 keys sign Sigil requests')
  const privateKey = typeof jwk.d === 'string' ? fromBase64Url(jwk.d) : undefined
  if (privateKey === undefined) throw invalid('the JWK has no private part (`d`)')
  const derived = httpSigningPublicKey(alg, privateKey)
  if (!derived.ok) throw invalid('the JWK `d` is not a valid private key')
  const expected = publicJwk(alg, derived.value)
  // `x` (and `y`) may be left out; when present they must be the private key's.
  const given = jwk as Record<string, unknown>
  const derivedMembers = expected as Record<string, unknown>
  if (['x', 'y'].some((member) => given[member] !== undefined && given[member] !== derivedMembers[member]))
    throw invalid("the JWK's public members do not match its private key")
  return { alg, privateKey, publicJwk: expected }
}

/** The public JWK to register for a private one (checked against its private part). */
export const publicJwkOf = (privateJwk: JwkLike): PublicSigningJwk => readPrivateJwk(privateJwk).publicJwk
