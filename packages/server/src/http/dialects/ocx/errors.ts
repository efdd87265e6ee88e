import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AuthErrorCode } from '../../../core/errors.js'
import { errorCatalog } from '../../error-catalog.js'
import { renderErrorsWith } from '../../plugins/error-renderer.js'

/**
 * OCX documents three sign-in codes: 400 `INVALID_SIWE_MESSAGE`, 400 `NONCE_MISMATCH`, 401
 * `INVALID_SIGNATURE`. Its clients branch on those, so every finer refusal of core is folded into
 * the one an OCX client already handles (a replayed or expired nonce: "get a fresh nonce"); the
 * precise reason stays in `message` and in the audit log. Codes OCX does not name keep Sigil's.
 * `satisfies` makes a new core code a compile error here until it is mapped.
 */
const ocxCodeOf = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_SIWE_MESSAGE: 'INVALID_SIWE_MESSAGE',
  SIGNATURE_MALFORMED: 'INVALID_SIGNATURE',
  INVALID_SIGNATURE: 'INVALID_SIGNATURE',
  SIGNATURE_NOT_CANONICAL: 'INVALID_SIGNATURE',
  // "A signature minted for another site or chain is rejected": the message is not for us.
  DOMAIN_MISMATCH: 'INVALID_SIWE_MESSAGE',
  SCHEME_MISMATCH: 'INVALID_SIWE_MESSAGE',
  URI_MISMATCH: 'INVALID_SIWE_MESSAGE',
  CHAIN_NOT_ALLOWED: 'INVALID_SIWE_MESSAGE',
  MESSAGE_EXPIRED: 'INVALID_SIWE_MESSAGE',
  MESSAGE_NOT_YET_VALID: 'INVALID_SIWE_MESSAGE',
  ISSUED_AT_INVALID: 'INVALID_SIWE_MESSAGE',
  NONCE_UNKNOWN: 'NONCE_MISMATCH',
  NONCE_USED: 'NONCE_MISMATCH',
  NONCE_EXPIRED: 'NONCE_MISMATCH',
  NONCE_MISMATCH: 'NONCE_MISMATCH',
  CREDENTIAL_MISSING: 'CREDENTIAL_MISSING',
  TOKEN_INVALID: 'TOKEN_INVALID',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  SESSION_REVOKED: 'SESSION_REVOKED',
  REFRESH_TOKEN_INVALID: 'REFRESH_TOKEN_INVALID',
  REFRESH_TOKEN_EXPIRED: 'REFRESH_TOKEN_EXPIRED',
  REFRESH_TOKEN_REUSED: 'REFRESH_TOKEN_REUSED',
  SCOPE_MISSING: 'SCOPE_MISSING',
  CSRF_REJECTED: 'CSRF_REJECTED',
  API_KEY_INVALID: 'API_KEY_INVALID',
  API_KEY_EXPIRED: 'API_KEY_EXPIRED',
  API_KEY_REVOKED: 'API_KEY_REVOKED',
  IP_NOT_ALLOWED: 'IP_NOT_ALLOWED',
  GEO_BLOCKED: 'GEO_BLOCKED',
  INVITE_REQUIRED: 'INVITE_REQUIRED',
  INVITE_INVALID: 'INVITE_INVALID',
  ACCOUNT_ALREADY_ACTIVE: 'ACCOUNT_ALREADY_ACTIVE',
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  API_KEY_NOT_FOUND: 'API_KEY_NOT_FOUND',
  API_KEY_LIMIT_REACHED: 'API_KEY_LIMIT_REACHED',
  STARKNET_ADDRESS_INVALID: 'STARKNET_ADDRESS_INVALID',
  STARKNET_SIGNATURE_MALFORMED: 'STARKNET_SIGNATURE_MALFORMED',
  PUBLIC_KEY_INVALID: 'PUBLIC_KEY_INVALID',
  NOT_ONBOARDED: 'NOT_ONBOARDED',
  TIMESTAMP_INVALID: 'TIMESTAMP_INVALID',
  SIGNATURE_REPLAYED: 'SIGNATURE_REPLAYED',
  RATE_LIMITED: 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const satisfies Record<AuthErrorCode, string>

export type OcxErrorCode = (typeof ocxCodeOf)[AuthErrorCode]

/** OCX's documented statuses for its own codes; every other code keeps the native status. */
const ocxStatus: Partial<Record<OcxErrorCode, number>> = {
  INVALID_SIWE_MESSAGE: 400,
  NONCE_MISMATCH: 400,
  INVALID_SIGNATURE: 401,
}

/** The OCX rendering of a core code: `[status, {error, message}]`. Titles are the native ones. */
export function ocxError(code: AuthErrorCode, detail?: string) {
  const [nativeStatus, title] = errorCatalog[code]
  const error = ocxCodeOf[code]
  const status = ocxStatus[error] ?? nativeStatus
  return [status, { error, message: detail ? `${title} (${detail})` : title }] as const
}

export function sendOcxError(reply: FastifyReply, code: AuthErrorCode, detail?: string) {
  const [status, body] = ocxError(code, detail)
  // OCX's 429 body says how long to wait; the rate-limit hook has already set Retry-After.
  const retryAfter = code === 'RATE_LIMITED' ? Number(reply.getHeader('retry-after')) : Number.NaN
  const extra = Number.isFinite(retryAfter) ? { retryAfterMs: retryAfter * 1000 } : {}
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ ...body, ...extra })
}

/**
 * OCX's error body for every route of the dialect (Fastify scopes both handlers to this plugin).
 * At the root mount (`ocxPrefix: ""`) the app's not-found handler stays: an unknown path there
 * belongs to no dialect in particular.
 */
export function registerOcxErrors(app: FastifyInstance, mountedAtRoot: boolean) {
  renderErrorsWith(app, sendOcxError)
  if (!mountedAtRoot) app.setNotFoundHandler((_request, reply) => sendOcxError(reply, 'NOT_FOUND'))
}
