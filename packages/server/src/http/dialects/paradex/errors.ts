import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AuthErrorCode } from '../../../core/errors.js'
import { errorCatalog } from '../../error-catalog.js'
import { renderErrorsWith } from '../../plugins/error-renderer.js'

/**
 * Paradex errors (Paradex §4.7): `{"error","message","data":null}`, all three keys always
 * (paradex-py raises a schema error, not its NOT_ONBOARDED retry, when one is missing). Codes are
 * Paradex's enum where one fits, so ccxt maps them to the exception a Paradex client expects:
 * bad input 400, NOT_ONBOARDED 400, a bad signature or an expired window 401, and credential
 * refusals `UNAUTHORIZED_ERROR` whose message says `missing or malformed jwt` (ccxt's broad match).
 * `satisfies` makes a new core code a compile error here until it is mapped.
 */
const BAD_REQUEST = [400, 'INVALID_REQUEST_PARAMETER'] as const
const UNAUTHORIZED = [401, 'UNAUTHORIZED_ERROR'] as const
const VERIFICATION_FAILED = [401, 'STARKNET_SIGNATURE_VERIFICATION_FAILED'] as const
const JWT = 'missing or malformed jwt'

export const paradexErrors = {
  VALIDATION_FAILED: [400, 'VALIDATION_ERROR'],
  PAYLOAD_TOO_LARGE: [413, 'VALIDATION_ERROR'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'BINDING_ERROR'],
  NOT_FOUND: [404, 'NOT_FOUND'],
  // v2 SIWE codes. Paradex documents no EVM-specific code: a refused signature or a message for
  // another site is a verification failure (ccxt: AuthenticationError), a malformed one a 400.
  INVALID_SIWE_MESSAGE: BAD_REQUEST,
  SIGNATURE_MALFORMED: [400, 'INVALID_STARKNET_SIGNATURE'],
  INVALID_SIGNATURE: VERIFICATION_FAILED,
  SIGNATURE_NOT_CANONICAL: VERIFICATION_FAILED,
  DOMAIN_MISMATCH: VERIFICATION_FAILED,
  SCHEME_MISMATCH: VERIFICATION_FAILED,
  URI_MISMATCH: VERIFICATION_FAILED,
  CHAIN_NOT_ALLOWED: VERIFICATION_FAILED,
  // ccxt still maps the pre-1.101 name to AuthenticationError, which is what an expiry is.
  MESSAGE_EXPIRED: [401, 'INVALID_SIGNATURE_EXPIRATION'],
  MESSAGE_NOT_YET_VALID: [400, 'INVALID_TIMESTAMP'],
  ISSUED_AT_INVALID: [400, 'INVALID_TIMESTAMP'],
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
  SCOPE_MISSING: [403, 'UNAUTHORIZED_ERROR'],
  CSRF_REJECTED: [403, 'UNAUTHORIZED_ERROR'],
  API_KEY_INVALID: UNAUTHORIZED,
  API_KEY_EXPIRED: UNAUTHORIZED,
  API_KEY_REVOKED: UNAUTHORIZED,
  IP_NOT_ALLOWED: [403, 'IP_NOT_ALLOWED'],
  // Paradex's own code (§4.7); ccxt maps it to PermissionDenied.
  GEO_BLOCKED: [403, 'GEO_IP_BLOCK'],
  INVITE_REQUIRED: [403, 'UNAUTHORIZED_ERROR'],
  INVITE_INVALID: BAD_REQUEST,
  ACCOUNT_ALREADY_ACTIVE: BAD_REQUEST,
  SESSION_NOT_FOUND: [404, 'NOT_FOUND'],
  API_KEY_NOT_FOUND: [404, 'NOT_FOUND'],
  API_KEY_LIMIT_REACHED: BAD_REQUEST,
  STARKNET_ADDRESS_INVALID: [400, 'INVALID_STARKNET_ADDRESS'],
  STARKNET_SIGNATURE_MALFORMED: [400, 'INVALID_STARKNET_SIGNATURE'],
  PUBLIC_KEY_INVALID: [400, 'PUBLIC_KEY_INVALID'],
  NOT_ONBOARDED: [400, 'NOT_ONBOARDED'],
  TIMESTAMP_INVALID: [400, 'INVALID_TIMESTAMP'],
  // No Paradex code exists (Paradex accepts replays); ccxt maps this one to AuthenticationError.
  SIGNATURE_REPLAYED: VERIFICATION_FAILED,
  RATE_LIMITED: [429, 'RATE_LIMIT_EXCEEDED'],
  // Paradex's own enum code for an outage (ccxt: ExchangeError); the status tells 502 from 504.
  UPSTREAM_UNAVAILABLE: [502, 'SERVICE_UNAVAILABLE'],
  UPSTREAM_TIMEOUT: [504, 'SERVICE_UNAVAILABLE'],
  INTERNAL_ERROR: [500, 'INTERNAL_ERROR'],
} as const satisfies Record<AuthErrorCode, readonly [status: number, error: string]>

/** The Paradex rendering of a core code: `[status, {error, message, data}]`. */
export function paradexError(code: AuthErrorCode, detail?: string) {
  const [status, error] = paradexErrors[code]
  const title = errorCatalog[code][1]
  const text = detail ? `${title} (${detail})` : title
  const message = error === 'UNAUTHORIZED_ERROR' && status === 401 ? `${JWT}: ${text}` : text
  return [status, { error, message, data: null }] as const
}

export function sendParadexError(reply: FastifyReply, code: AuthErrorCode, detail?: string) {
  const [status, body] = paradexError(code, detail)
  return reply.code(status).type('application/json; charset=utf-8').send(body)
}

/** Paradex's error body on every route of the dialect, and for unknown paths under its own prefix. */
export function registerParadexErrors(app: FastifyInstance) {
  renderErrorsWith(app, sendParadexError)
  // At the root the root's handler answers (one per prefix): unknown paths there are anyone's.
  if (app.prefix !== '') app.setNotFoundHandler((_request, reply) => sendParadexError(reply, 'NOT_FOUND'))
}
