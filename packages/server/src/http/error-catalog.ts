import type { AuthErrorCode } from '../core/errors.js'

/**
 * HTTP status and human title of every public error code of the native API. `satisfies` makes
 * the compiler refuse a new code until it is mapped here: no code can fall through to a 500.
 */
export const errorCatalog = {
  VALIDATION_FAILED: [400, 'The request does not match the schema'],
  PAYLOAD_TOO_LARGE: [413, 'The request body is too large'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'Send application/json'],
  NOT_FOUND: [404, 'No such route'],
  INVALID_SIWE_MESSAGE: [400, 'The message is not a valid EIP-4361 message'],
  SIGNATURE_MALFORMED: [400, 'The signature is not 65 bytes of 0x-prefixed hex'],
  INVALID_SIGNATURE: [401, 'The signature does not prove control of the address'],
  SIGNATURE_NOT_CANONICAL: [401, 'The signature is not in canonical low-s form'],
  DOMAIN_MISMATCH: [401, 'The message is for another domain'],
  SCHEME_MISMATCH: [401, 'The message is for another scheme'],
  URI_MISMATCH: [401, 'The message is for another URI'],
  CHAIN_NOT_ALLOWED: [401, 'The chain id is not accepted here'],
  MESSAGE_EXPIRED: [401, 'The message has expired'],
  MESSAGE_NOT_YET_VALID: [401, 'The message is not valid yet'],
  ISSUED_AT_INVALID: [401, 'Issued At is in the future or too old'],
  NONCE_UNKNOWN: [401, 'The nonce was not issued here'],
  NONCE_USED: [401, 'The nonce has already been used'],
  NONCE_EXPIRED: [401, 'The nonce has expired'],
  NONCE_MISMATCH: [401, 'The nonce was issued to another address'],
  CREDENTIAL_MISSING: [401, 'This route needs a credential'],
  TOKEN_INVALID: [401, 'The access token is not valid'],
  TOKEN_EXPIRED: [401, 'The access token has expired'],
  SESSION_REVOKED: [401, 'The session has been revoked'],
  REFRESH_TOKEN_INVALID: [401, 'The refresh token is not valid'],
  REFRESH_TOKEN_EXPIRED: [401, 'The refresh token has expired'],
  REFRESH_TOKEN_REUSED: [401, 'The refresh token was already used; its session is revoked'],
  SCOPE_MISSING: [403, 'The credential lacks the scope this route needs'],
  INTERNAL_ERROR: [500, 'Internal error'],
} as const satisfies Record<AuthErrorCode, readonly [number, string]>
