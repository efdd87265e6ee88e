/**
 * The public keys a signed-request API key may hold, as JWKs (RFC 7517): OKP Ed25519 (RFC 8037)
 * or EC P-256 (RFC 7518 §6.2). `parsePublicKeyJwk` is the one gate for a key a client registers:
 * it refuses a JWK carrying private members (a client that sent its private key must be told so,
 * and it must never be stored), any other key type or curve, coordinates of the wrong length or
 * not in canonical base64url, and points that are not on the curve (or, for Ed25519, of small
 * order: such a key "verifies" forged signatures). What it returns holds only the public members,
 * so the stored form is canonical and its RFC 7638 thumbprint is stable.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { p256 } from '@noble/curves/nist.js'
import { base64url } from 'jose'
import { ok, type Result, reject } from '../result.js'
import type { HttpSignatureAlgorithm, HttpSignatureKey } from './signature-algorithms.js'

export type PublicKeyJwk =
  | { kty: 'OKP'; crv: 'Ed25519'; x: string }
  | { kty: 'EC'; crv: 'P-256'; x: string; y: string }

/**
 * Why a JWK is refused: `not_an_object`; `private_key` (a private member such as `d` is present:
 * send the public half only); `unsupported_key_type` (kty other than OKP or EC);
 * `unsupported_curve` (OKP other than Ed25519, EC other than P-256); `invalid_coordinate` (x or y
 * missing, not canonical base64url, or of the wrong length); `point_not_on_curve` (or a small-order
 * Ed25519 point); `alg_mismatch` (an `alg` member naming another algorithm); `invalid_member`
 * (`use` other than `sig`, `key_ops` allowing more than `verify`, a non-string `kid`).
 */
export type PublicKeyJwkReason =
  | 'not_an_object'
  | 'private_key'
  | 'unsupported_key_type'
  | 'unsupported_curve'
  | 'invalid_coordinate'
  | 'point_not_on_curve'
  | 'alg_mismatch'
  | 'invalid_member'

/** Private members of every JWK key type (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

const BASE64URL = /^[A-Za-z0-9_-]*$/

/** Decodes canonical unpadded base64url of exactly `length` bytes; undefined otherwise. */
function coordinate(value: unknown, length: number): Uint8Array | undefined {
  if (typeof value !== 'string' || !BASE64URL.test(value)) return undefined
  if (value.length !== Math.ceil((length * 4) / 3)) return undefined
  let bytes: Uint8Array
  try {
    bytes = base64url.decode(value)
  } catch {
    return undefined
  }
  // Trailing bits that do not round-trip would give one key two spellings (and two thumbprints).
  if (bytes.length !== length || base64url.encode(bytes) !== value) return undefined
  return bytes
}

function checkOptionalMembers(jwk: Record<string, unknown>, algs: readonly string[]) {
  if (jwk.alg !== undefined && !(typeof jwk.alg === 'string' && algs.includes(jwk.alg)))
    return reject('alg_mismatch' as const)
  if (jwk.use !== undefined && jwk.use !== 'sig') return reject('invalid_member' as const)
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') return reject('invalid_member' as const)
  if (
    jwk.key_ops !== undefined &&
    !(Array.isArray(jwk.key_ops) && jwk.key_ops.every((op: unknown) => op === 'verify'))
  )
    return reject('invalid_member' as const)
  return undefined
}

export function parsePublicKeyJwk(input: unknown): Result<PublicKeyJwk, PublicKeyJwkReason> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return reject('not_an_object')
  const jwk = input as Record<string, unknown>
  if (PRIVATE_MEMBERS.some((member) => jwk[member] !== undefined)) return reject('private_key')
  if (jwk.kty === 'OKP') {
    if (jwk.crv !== 'Ed25519') return reject('unsupported_curve')
    const refused = checkOptionalMembers(jwk, ['EdDSA', 'Ed25519'])
    if (refused) return refused
    const x = coordinate(jwk.x, 32)
    if (!x) return reject('invalid_coordinate')
    try {
      // Strict RFC 8032 decoding (no ZIP-215 leniency), as signatures are verified.
      if (ed25519.Point.fromBytes(x, false).isSmallOrder()) return reject('point_not_on_curve')
    } catch {
      return reject('point_not_on_curve')
    }
    return ok({ kty: 'OKP', crv: 'Ed25519', x: jwk.x as string })
  }
  if (jwk.kty === 'EC') {
    if (jwk.crv !== 'P-256') return reject('unsupported_curve')
    const refused = checkOptionalMembers(jwk, ['ES256'])
    if (refused) return refused
    const x = coordinate(jwk.x, 32)
    const y = coordinate(jwk.y, 32)
    if (!x || !y) return reject('invalid_coordinate')
    try {
      p256.Point.fromBytes(uncompressed(x, y)).assertValidity()
    } catch {
      return reject('point_not_on_curve')
    }
    return ok({ kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string })
  }
  return reject('unsupported_key_type')
}

function uncompressed(x: Uint8Array, y: Uint8Array): Uint8Array {
  const point = new Uint8Array(65)
  point[0] = 4
  point.set(x, 1)
  point.set(y, 33)
  return point
}

/** The RFC 9421 algorithm a key of this JWK signs with: the only one its signatures may use. */
export function httpSignatureAlgorithmOf(jwk: PublicKeyJwk): HttpSignatureAlgorithm {
  return jwk.kty === 'OKP' ? 'ed25519' : 'ecdsa-p256-sha256'
}

/** The verification key of a JWK that {@link parsePublicKeyJwk} accepted. */
export function httpSignatureKeyOf(jwk: PublicKeyJwk): HttpSignatureKey {
  if (jwk.kty === 'OKP') return { alg: 'ed25519', publicKey: base64url.decode(jwk.x) }
  return {
    alg: 'ecdsa-p256-sha256',
    publicKey: uncompressed(base64url.decode(jwk.x), base64url.decode(jwk.y)),
  }
}
