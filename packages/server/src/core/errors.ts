/**
 * The one deliberate error type of core. `code` is public and stable (docs/errors.md lists every
 * one; a test checks the list against this union); `internal` goes to logs only and never holds a
 * secret, token or signature. Anything that is not an AuthError is an infrastructure fault (5xx).
 */
export const AUTH_ERROR_CODES = [
  'VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_FOUND',
  'INVALID_SIWE_MESSAGE',
  'SIGNATURE_MALFORMED',
  'INVALID_SIGNATURE',
  'SIGNATURE_NOT_CANONICAL',
  'DOMAIN_MISMATCH',
  'SCHEME_MISMATCH',
  'URI_MISMATCH',
  'CHAIN_NOT_ALLOWED',
  'MESSAGE_EXPIRED',
  'MESSAGE_NOT_YET_VALID',
  'ISSUED_AT_INVALID',
  'NONCE_UNKNOWN',
  'NONCE_USED',
  'NONCE_EXPIRED',
  'NONCE_MISMATCH',
  'CREDENTIAL_MISSING',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'SESSION_REVOKED',
  'REFRESH_TOKEN_INVALID',
  'REFRESH_TOKEN_EXPIRED',
  'REFRESH_TOKEN_REUSED',
  'SCOPE_MISSING',
  'CSRF_REJECTED',
  'API_KEY_INVALID',
  'API_KEY_EXPIRED',
  'API_KEY_REVOKED',
  'IP_NOT_ALLOWED',
  'GEO_BLOCKED',
  'ROUTE_DENIED',
  'FORWARDED_REQUEST_INVALID',
  'INVITE_REQUIRED',
  'INVITE_INVALID',
  'ACCOUNT_ALREADY_ACTIVE',
  'SESSION_NOT_FOUND',
  'API_KEY_NOT_FOUND',
  'API_KEY_LIMIT_REACHED',
  'CHANNEL_UNKNOWN',
  'CHANNEL_ACCOUNT_MISSING',
  'STARKNET_ADDRESS_INVALID',
  'STARKNET_SIGNATURE_MALFORMED',
  'PUBLIC_KEY_INVALID',
  'NOT_ONBOARDED',
  'TIMESTAMP_INVALID',
  'SIGNATURE_REPLAYED',
  'RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'SERVICE_UNAVAILABLE',
  'CHAIN_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const

export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number]

export interface AuthErrorOptions extends ErrorOptions {
  /** A public, non-secret refinement of the code (e.g. which SIWE field failed to parse). */
  detail?: string
}

export class AuthError extends Error {
  override readonly name = 'AuthError'
  readonly detail: string | undefined

  constructor(
    readonly code: AuthErrorCode,
    readonly internal?: string,
    options?: AuthErrorOptions,
  ) {
    super(internal ? `${code}: ${internal}` : code, options)
    this.detail = options?.detail
  }
}

export const isAuthError = (error: unknown): error is AuthError => error instanceof AuthError
