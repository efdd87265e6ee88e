import type { AuthErrorCode } from '../../../core/errors.js'
import { type DialectErrors, dialectError } from '../dialect-errors.js'

const BAD_REQUEST = { status: 400, code: 'INVALID_REQUEST_PARAMETER' }
const UNAUTHORIZED = { status: 401, code: 'UNAUTHORIZED_ERROR' }
const FORBIDDEN = { status: 403, code: 'UNAUTHORIZED_ERROR' }
const VERIFICATION_FAILED = { status: 401, code: 'STARKNET_SIGNATURE_VERIFICATION_FAILED' }
const INVALID_TIMESTAMP = { status: 400, code: 'INVALID_TIMESTAMP' }
const JWT = 'missing or malformed jwt'

/**
 * Paradex errors (Paradex §4.7): `{"error","message","data":null}`, all three keys always
 * (paradex-py raises a schema error, not its NOT_ONBOARDED retry, when one is missing). Codes are
 * Paradex's enum where one fits, so ccxt maps them to the exception a Paradex client expects:
 * bad input 400, NOT_ONBOARDED 400, a bad signature or an expired window 401, and credential
 * refusals `UNAUTHORIZED_ERROR` whose message says `missing or malformed jwt` (ccxt's broad match).
 * Codes whose name and status are the same in both (NOT_FOUND, IP_NOT_ALLOWED, NOT_ONBOARDED,
 * PUBLIC_KEY_INVALID, INTERNAL_ERROR) are not listed.
 */
export const paradexErrors: DialectErrors = {
  differences: {
    VALIDATION_FAILED: { status: 400, code: 'VALIDATION_ERROR' },
    PAYLOAD_TOO_LARGE: { status: 413, code: 'VALIDATION_ERROR' },
    UNSUPPORTED_MEDIA_TYPE: { status: 415, code: 'BINDING_ERROR' },
    // v2 SIWE codes. Paradex documents no EVM-specific code: a refused signature or a message for
    // another site is a verification failure (ccxt: AuthenticationError), a malformed one a 400.
    INVALID_SIWE_MESSAGE: BAD_REQUEST,
    SIGNATURE_MALFORMED: { status: 400, code: 'INVALID_STARKNET_SIGNATURE' },
    INVALID_SIGNATURE: VERIFICATION_FAILED,
    SIGNATURE_NOT_CANONICAL: VERIFICATION_FAILED,
    DOMAIN_MISMATCH: VERIFICATION_FAILED,
    SCHEME_MISMATCH: VERIFICATION_FAILED,
    URI_MISMATCH: VERIFICATION_FAILED,
    CHAIN_NOT_ALLOWED: VERIFICATION_FAILED,
    // ccxt still maps the pre-1.101 name to AuthenticationError, which is what an expiry is.
    MESSAGE_EXPIRED: { status: 401, code: 'INVALID_SIGNATURE_EXPIRATION' },
    MESSAGE_NOT_YET_VALID: INVALID_TIMESTAMP,
    ISSUED_AT_INVALID: INVALID_TIMESTAMP,
    NONCE_UNKNOWN: UNAUTHORIZED,
    NONCE_USED: UNAUTHORIZED,
    NONCE_EXPIRED: UNAUTHORIZED,
    NONCE_MISMATCH: UNAUTHORIZED,
    CREDENTIAL_MISSING: UNAUTHORIZED,
    TOKEN_INVALID: UNAUTHORIZED,
    TOKEN_EXPIRED: UNAUTHORIZED,
    SESSION_REVOKED: UNAUTHORIZED,
    REFRESH_TOKEN_INVALID: UNAUTHORIZED,
    REFRESH_TOKEN_EXPIRED: UNAUTHORIZED,
    REFRESH_TOKEN_REUSED: UNAUTHORIZED,
    SCOPE_MISSING: FORBIDDEN,
    CSRF_REJECTED: FORBIDDEN,
    API_KEY_INVALID: UNAUTHORIZED,
    API_KEY_EXPIRED: UNAUTHORIZED,
    API_KEY_REVOKED: UNAUTHORIZED,
    // Paradex's own code (§4.7); ccxt maps it to PermissionDenied.
    GEO_BLOCKED: { status: 403, code: 'GEO_IP_BLOCK' },
    INVITE_REQUIRED: FORBIDDEN,
    INVITE_INVALID: BAD_REQUEST,
    ACCOUNT_ALREADY_ACTIVE: BAD_REQUEST,
    SESSION_NOT_FOUND: { status: 404, code: 'NOT_FOUND' },
    API_KEY_NOT_FOUND: { status: 404, code: 'NOT_FOUND' },
    API_KEY_LIMIT_REACHED: BAD_REQUEST,
    // Paradex's enum has INVALID_TOKEN_SCOPE (a token whose kind the route refuses) and
    // INVALID_SUBKEY; which of them Paradex itself answers for these is not documented (inferred).
    SUBKEY_FORBIDDEN: { status: 403, code: 'INVALID_TOKEN_SCOPE' },
    SUBKEY_NOT_FOUND: { status: 404, code: 'NOT_FOUND' },
    SUBKEY_EXISTS: { status: 400, code: 'INVALID_SUBKEY' },
    SUBKEY_LIMIT_REACHED: { status: 400, code: 'INVALID_SUBKEY' },
    STARKNET_ADDRESS_INVALID: { status: 400, code: 'INVALID_STARKNET_ADDRESS' },
    STARKNET_SIGNATURE_MALFORMED: { status: 400, code: 'INVALID_STARKNET_SIGNATURE' },
    TIMESTAMP_INVALID: INVALID_TIMESTAMP,
    // No Paradex code exists (Paradex accepts replays); ccxt maps this one to AuthenticationError.
    SIGNATURE_REPLAYED: VERIFICATION_FAILED,
    RATE_LIMITED: { status: 429, code: 'RATE_LIMIT_EXCEEDED' },
    // Paradex's own enum code for an outage (ccxt: ExchangeError); the status tells 502 from 504.
    UPSTREAM_UNAVAILABLE: { status: 502, code: 'SERVICE_UNAVAILABLE' },
    UPSTREAM_TIMEOUT: { status: 504, code: 'SERVICE_UNAVAILABLE' },
    // The chain node of contract-wallet checks: Paradex's clients know only its outage code.
    CHAIN_UNAVAILABLE: { status: 503, code: 'SERVICE_UNAVAILABLE' },
  },
  render(reply, error) {
    const [status, body] = paradexBody(error.status, error.code, error.title, error.detail)
    return reply.code(status).type('application/json; charset=utf-8').send(body)
  },
}

function paradexBody(status: number, error: string, title: string, detail?: string) {
  const text = detail ? `${title} (${detail})` : title
  const message = error === 'UNAUTHORIZED_ERROR' && status === 401 ? `${JWT}: ${text}` : text
  return [status, { error, message, data: null }] as const
}

/** The Paradex rendering of a core code: `[status, {error, message, data}]`. */
export function paradexError(code: AuthErrorCode, detail?: string) {
  const error = dialectError(paradexErrors, code, detail)
  return paradexBody(error.status, error.code, error.title, error.detail)
}
