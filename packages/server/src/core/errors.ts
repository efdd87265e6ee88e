import { ERROR_CODES, type ErrorCode } from '@sigil/protocol/error-codes'

/**
 * The one deliberate error type of core. `code` is public and stable (docs/errors.md lists every
 * one; a test checks the list against this union); `internal` goes to logs only and never holds a
 * secret, token or signature. Anything that is not an AuthError is an infrastructure fault (5xx).
 */
export const AUTH_ERROR_CODES = ERROR_CODES
export type AuthErrorCode = ErrorCode

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
