import { STATUS_CODES } from 'node:http'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AuthErrorCode } from '../../../core/errors.js'
import { errorCatalog } from '../../error-catalog.js'
import { renderErrorsWith } from '../../plugins/error-renderer.js'
import { bearerChallenge } from '../../plugins/problem-details.js'

/**
 * EVEDEX errors. Their API is NestJS: every error in their specs is `{message}`, which NestJS
 * writes as `{statusCode, message, error}`. Sigil's stable `code` (and `detail`, when core gave one)
 * ride along, so a client can branch on the code instead of the prose.
 *
 * Status of every code (the RFC 6750 challenge is the native one). `satisfies` makes the compiler
 * refuse a new AuthErrorCode until it is mapped here. Statuses are Sigil's: EVEDEX clients refresh on any 401,
 * and a 401 from the refresh route tells them to sign in again, which is what Sigil's 401s mean.
 */
export const evedexErrors = {
  VALIDATION_FAILED: [400],
  PAYLOAD_TOO_LARGE: [413],
  UNSUPPORTED_MEDIA_TYPE: [415],
  NOT_FOUND: [404],
  INVALID_SIWE_MESSAGE: [400],
  SIGNATURE_MALFORMED: [400],
  INVALID_SIGNATURE: [401],
  SIGNATURE_NOT_CANONICAL: [401],
  DOMAIN_MISMATCH: [401],
  SCHEME_MISMATCH: [401],
  URI_MISMATCH: [401],
  CHAIN_NOT_ALLOWED: [401],
  MESSAGE_EXPIRED: [401],
  MESSAGE_NOT_YET_VALID: [401],
  ISSUED_AT_INVALID: [401],
  NONCE_UNKNOWN: [401],
  NONCE_USED: [401],
  NONCE_EXPIRED: [401],
  NONCE_MISMATCH: [401],
  CREDENTIAL_MISSING: [401],
  TOKEN_INVALID: [401],
  TOKEN_EXPIRED: [401],
  SESSION_REVOKED: [401],
  REFRESH_TOKEN_INVALID: [401],
  REFRESH_TOKEN_EXPIRED: [401],
  REFRESH_TOKEN_REUSED: [401],
  SCOPE_MISSING: [403],
  CSRF_REJECTED: [403],
  API_KEY_INVALID: [401],
  API_KEY_EXPIRED: [401],
  API_KEY_REVOKED: [401],
  IP_NOT_ALLOWED: [403],
  GEO_BLOCKED: [403],
  INVITE_REQUIRED: [403],
  INVITE_INVALID: [400],
  ACCOUNT_ALREADY_ACTIVE: [409],
  SESSION_NOT_FOUND: [404],
  API_KEY_NOT_FOUND: [404],
  API_KEY_LIMIT_REACHED: [409],
  STARKNET_ADDRESS_INVALID: [400],
  STARKNET_SIGNATURE_MALFORMED: [400],
  PUBLIC_KEY_INVALID: [400],
  NOT_ONBOARDED: [400],
  TIMESTAMP_INVALID: [400],
  SIGNATURE_REPLAYED: [401],
  RATE_LIMITED: [429],
  UPSTREAM_UNAVAILABLE: [502],
  UPSTREAM_TIMEOUT: [504],
  INTERNAL_ERROR: [500],
} as const satisfies Record<AuthErrorCode, readonly [status: number]>

export function sendEvedexError(reply: FastifyReply, code: AuthErrorCode, detail?: string) {
  const [statusCode] = evedexErrors[code]
  const challenge = bearerChallenge(code)
  if (challenge) reply.header('www-authenticate', challenge)
  return reply
    .code(statusCode)
    .type('application/json; charset=utf-8')
    .send({
      statusCode,
      // The human text is the native catalog's: one wording of each code, whatever the dialect.
      message: errorCatalog[code][1],
      error: STATUS_CODES[statusCode] ?? 'Error',
      code,
      ...(detail ? { detail } : {}),
    })
}

/**
 * Every error under the dialect's prefix leaves in the EVEDEX body: refusals from the shared
 * hooks (credential, rate limit) too, since Fastify runs the route's own error handler for them.
 */
export function registerEvedexErrors(app: FastifyInstance) {
  renderErrorsWith(app, sendEvedexError)
  // Mounted at the root (prefix ""), unknown paths belong to the app's own 404 (problem details):
  // Fastify allows one not-found handler per prefix, and the root's is the native API's.
  if (app.prefix !== '') app.setNotFoundHandler((_request, reply) => sendEvedexError(reply, 'NOT_FOUND'))
}
