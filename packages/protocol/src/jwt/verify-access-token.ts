/**
 * Verifies a Sigil access token: an RFC 9068 JWT (RFC 7519) signed by a key of our own ring, found by
 * `kid` (an RFC 7638 thumbprint published in our RFC 7517 JWKS). Follows the RFC 8725 (JWT BCP)
 * rules: algorithm pinned per key, explicit `typ`, no key material taken from the token.
 */
import {
  type CryptoKey,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
  type KeyObject,
} from 'jose'
import { ok, type Result, reject } from '../result.js'
import { type AccessTokenClaims, MAX_ISOLATED_ACCOUNTS } from './access-token-claims.js'
import { isSigningAlgorithm, type SigningAlgorithm } from './signing-algorithm.js'

/**
 * Why a token was refused. Closed: core maps each one to a public error code and counts them.
 * - `malformed`: not a string, longer than {@link MAX_ACCESS_TOKEN_LENGTH}, not three base64url
 *   segments, or a header or payload that is not a JSON object.
 * - `header_not_allowed`: the protected header has a member other than `alg`, `kid`, `typ` (such as
 *   `jku`, `jwk`, `x5u`, `x5c`, `crit`): we never let a token point at or carry its own key.
 * - `typ_invalid`: `typ` is not `at+jwt` (RFC 9068 §2.1; stops an ID token or other JWT passing).
 * - `alg_mismatch`: `alg` is not one we sign with (`none`, `HS256`, …) or not the alg of the key
 *   named by `kid`.
 * - `unknown_kid`: `kid` missing, not a plausible key id, or not in our ring.
 * - `signature_invalid`: the signature does not verify under that key (tampering, another key).
 * - `expired`: `exp` ≤ now − tolerance.
 * - `not_yet_valid`: `nbf` > now + tolerance.
 * - `claims_invalid`: wrong `iss` or `aud`, or a required claim missing or of the wrong type.
 */
export const ACCESS_TOKEN_REASONS = [
  'malformed',
  'header_not_allowed',
  'typ_invalid',
  'alg_mismatch',
  'unknown_kid',
  'signature_invalid',
  'expired',
  'not_yet_valid',
  'claims_invalid',
] as const

export type AccessTokenReason = (typeof ACCESS_TOKEN_REASONS)[number]

/** The public half of a ring key, as {@link VerifyAccessTokenOptions.resolveKey} returns it. */
export type VerificationKey = { alg: SigningAlgorithm; publicKey: CryptoKey | KeyObject }

export type VerifyAccessTokenOptions = {
  /** The only accepted `iss`. */
  issuer: string
  /** The only accepted `aud` (a string claim; arrays are refused). */
  audience: string
  /** The current time in epoch seconds, from the injected clock. */
  now: number
  /** Leeway for `exp` and `nbf`, in seconds. Default 0. */
  clockToleranceSeconds?: number
  /**
   * Looks `kid` up in our own key ring (a `Map`, not a plain object). Called only once the header
   * has passed every other check (members, `alg`, `typ`, kid shape); `undefined` rejects with
   * `unknown_kid`.
   */
  resolveKey(kid: string): VerificationKey | undefined
}

export type VerifyAccessTokenResult = Result<AccessTokenClaims, AccessTokenReason>

/** Tokens longer than this are refused before any decoding (a 9-claim ES384 token is about 500 chars). */
export const MAX_ACCESS_TOKEN_LENGTH = 8192

// Header and payload must be non-empty; the signature may be empty so that an `alg: none` token gets
// its precise reason (`alg_mismatch`) instead of `malformed`.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/**
 * RFC 4648 §3.5 canonical encoding: the bits a base64url string's last character holds past the
 * data are zero (and no length leaves a lone 6-bit character). Node's decoder ignores those bits,
 * so without this check one ES256 or EdDSA signature has 16 spellings, each a different token text
 * that verifies: a holder could mint look-alike tokens, each its own verified-token cache entry and
 * log line. Header and payload need no check: they are signed as text.
 */
function isCanonicalBase64url(segment: string): boolean {
  const spareBits = [0, -1, 0x0f, 0x03][segment.length % 4] as number
  if (spareBits <= 0) return spareBits === 0
  return (BASE64URL_ALPHABET.indexOf(segment.charAt(segment.length - 1)) & spareBits) === 0
}
// Our kids are 43-char base64url thumbprints; anything outside this shape never reaches the resolver.
const KID = /^[A-Za-z0-9_-]{1,128}$/
// Exactly what signAccessToken writes. An allowlist rather than a denylist of jku/jwk/x5u/x5c/crit:
// a member we do not know is a member we did not sign.
const HEADER_MEMBERS = new Set(['alg', 'kid', 'typ'])
const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'client_id', 'iat', 'exp', 'jti', 'sid', 'scope']
const NON_EMPTY_STRING_CLAIMS = ['iss', 'aud', 'sub', 'client_id', 'jti', 'sid'] as const

/**
 * Verifies an access token and returns its claims, or the reason it is refused. Cheap, decisive
 * checks come first (length, shape, header members, `alg`, `typ`, `kid`); the signature and then the
 * claims are checked by jose's `jwtVerify` with the algorithm pinned to the key's own.
 *
 * Never throws for a bad token. Throws a `TypeError` only on programmer error: invalid options, or a
 * resolved key that does not match its `alg`.
 *
 * @example
 * const result = await verifyAccessToken(bearer, {
 *   issuer: config.issuer,
 *   audience: config.audience,
 *   now: clock.nowSeconds(),
 *   clockToleranceSeconds: 5,
 *   resolveKey: (kid) => ring.get(kid),
 * })
 * if (!result.ok) throw new AuthError('TOKEN_INVALID', result.reason)
 */
export async function verifyAccessToken(
  token: string,
  options: VerifyAccessTokenOptions,
): Promise<VerifyAccessTokenResult> {
  const tolerance = options.clockToleranceSeconds ?? 0
  assertOptions(options, tolerance)
  if (
    typeof token !== 'string' ||
    token.length > MAX_ACCESS_TOKEN_LENGTH ||
    !COMPACT_JWS.test(token) ||
    !isCanonicalBase64url(token.slice(token.lastIndexOf('.') + 1))
  ) {
    return reject('malformed')
  }
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    // Read only to pick the key; jwtVerify parses the same bytes again and checks everything.
    header = decodeProtectedHeader(token)
  } catch {
    return reject('malformed')
  }
  if (Object.keys(header).some((member) => !HEADER_MEMBERS.has(member))) return reject('header_not_allowed')
  // Before the kid lookup: `none` and HMAC algorithms are refused without touching the ring.
  if (!isSigningAlgorithm(header.alg)) return reject('alg_mismatch')
  if (!isAccessTokenTyp(header.typ)) return reject('typ_invalid')
  const { kid } = header
  if (typeof kid !== 'string' || !KID.test(kid)) return reject('unknown_kid')
  const key = options.resolveKey(kid)
  if (key === undefined) return reject('unknown_kid')
  // The algorithm is a property of the key, never of the token (RFC 8725 §3.1).
  if (header.alg !== key.alg) return reject('alg_mismatch')

  let payload: JWTPayload
  try {
    ;({ payload } = await jwtVerify(token, key.publicKey, {
      algorithms: [key.alg],
      typ: 'at+jwt',
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: REQUIRED_CLAIMS,
      currentDate: new Date(options.now * 1000),
      clockTolerance: tolerance,
    }))
  } catch (error) {
    return reject(reasonOf(error))
  }
  const claims = readClaims(payload)
  return claims === undefined ? reject('claims_invalid') : ok(claims)
}

function assertOptions(options: VerifyAccessTokenOptions, tolerance: number): void {
  if (!Number.isFinite(options.now))
    throw new TypeError('verifyAccessToken: now must be finite epoch seconds')
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new TypeError('verifyAccessToken: clockToleranceSeconds must be a finite number >= 0')
  }
  if (typeof options.issuer !== 'string' || options.issuer === '') {
    throw new TypeError('verifyAccessToken: issuer must be a non-empty string')
  }
  if (typeof options.audience !== 'string' || options.audience === '') {
    throw new TypeError('verifyAccessToken: audience must be a non-empty string')
  }
}

// RFC 7515 §4.1.9: `typ` is compared case-insensitively and the `application/` prefix may be omitted;
// this is the same normalisation jose applies, so the pre-check and jose agree.
function isAccessTokenTyp(typ: unknown): boolean {
  if (typeof typ !== 'string') return false
  const normalized = typ.toLowerCase()
  return normalized === 'at+jwt' || normalized === 'application/at+jwt'
}

/** Maps a jose failure to a reason. Anything that is not a jose error is a bug and propagates. */
function reasonOf(error: unknown): AccessTokenReason {
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature_invalid'
  if (error instanceof errors.JWTExpired) return 'expired'
  if (error instanceof errors.JWTClaimValidationFailed) {
    // `nbf` of the wrong type is reason `invalid`, a bad claim rather than a premature token.
    if (error.claim === 'nbf' && error.reason === 'check_failed') return 'not_yet_valid'
    if (error.claim === 'typ') return 'typ_invalid'
    return 'claims_invalid'
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'alg_mismatch'
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return 'malformed'
  }
  throw error
}

// jose has checked presence, iss, aud membership and the time claims; this checks the types our
// callers rely on and copies only our claims, so unknown members never travel further.
function readClaims(payload: JWTPayload): AccessTokenClaims | undefined {
  for (const name of NON_EMPTY_STRING_CLAIMS) {
    const value = payload[name]
    if (typeof value !== 'string' || value === '') return undefined
  }
  const { iss, aud, sub, client_id, iat, exp, jti, sid, scope } = payload
  // Finite: JSON.parse turns 1e999 into Infinity, which would be an `exp` that never comes.
  if (typeof iat !== 'number' || !Number.isFinite(iat) || typeof exp !== 'number' || !Number.isFinite(exp)) {
    return undefined
  }
  if (typeof scope !== 'string') return undefined
  const isolated = payload.isolated_accounts
  if (isolated !== undefined && !isIsolatedAccountList(isolated)) return undefined
  const subkey = payload.subkey
  if (subkey !== undefined && (typeof subkey !== 'string' || subkey === '')) return undefined
  return {
    iss: iss as string,
    aud: aud as string,
    sub: sub as string,
    client_id: client_id as string,
    iat,
    exp,
    jti: jti as string,
    sid: sid as string,
    scope,
    ...(isolated === undefined ? {} : { isolated_accounts: isolated }),
    ...(subkey === undefined ? {} : { subkey }),
  }
}

function isIsolatedAccountList(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length <= MAX_ISOLATED_ACCOUNTS &&
    value.every((entry) => typeof entry === 'string' && entry !== '' && entry.length <= 100)
  )
}
