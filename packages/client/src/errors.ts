/**
 * The codes Sigil's native API answers with (docs/errors.md). A type only, so it costs a bundle
 * nothing; `test/client.types.test-d.ts` pins it to the server's own list, so the two cannot drift.
 */
export type ServerErrorCode =
  | 'VALIDATION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_FOUND'
  | 'INVALID_SIWE_MESSAGE'
  | 'SIGNATURE_MALFORMED'
  | 'INVALID_SIGNATURE'
  | 'SIGNATURE_NOT_CANONICAL'
  | 'DOMAIN_MISMATCH'
  | 'SCHEME_MISMATCH'
  | 'URI_MISMATCH'
  | 'CHAIN_NOT_ALLOWED'
  | 'MESSAGE_EXPIRED'
  | 'MESSAGE_NOT_YET_VALID'
  | 'ISSUED_AT_INVALID'
  | 'NONCE_UNKNOWN'
  | 'NONCE_USED'
  | 'NONCE_EXPIRED'
  | 'NONCE_MISMATCH'
  | 'CREDENTIAL_MISSING'
  | 'TOKEN_INVALID'
  | 'TOKEN_EXPIRED'
  | 'SESSION_REVOKED'
  | 'REFRESH_TOKEN_INVALID'
  | 'REFRESH_TOKEN_EXPIRED'
  | 'REFRESH_TOKEN_REUSED'
  | 'SCOPE_MISSING'
  | 'CSRF_REJECTED'
  | 'API_KEY_INVALID'
  | 'API_KEY_EXPIRED'
  | 'API_KEY_REVOKED'
  | 'IP_NOT_ALLOWED'
  | 'GEO_BLOCKED'
  | 'ROUTE_DENIED'
  | 'FORWARDED_REQUEST_INVALID'
  | 'INVITE_REQUIRED'
  | 'INVITE_INVALID'
  | 'ACCOUNT_ALREADY_ACTIVE'
  | 'SESSION_NOT_FOUND'
  | 'API_KEY_NOT_FOUND'
  | 'API_KEY_LIMIT_REACHED'
  | 'STARKNET_ADDRESS_INVALID'
  | 'STARKNET_SIGNATURE_MALFORMED'
  | 'PUBLIC_KEY_INVALID'
  | 'NOT_ONBOARDED'
  | 'TIMESTAMP_INVALID'
  | 'SIGNATURE_REPLAYED'
  | 'RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'SERVICE_UNAVAILABLE'
  | 'CHAIN_UNAVAILABLE'
  | 'INTERNAL_ERROR'

/**
 * Failures found on this side, with no server answer behind them (`status` undefined, except
 * `UNEXPECTED_RESPONSE`, which keeps the status of the answer it could not read):
 * - `NETWORK_ERROR`: fetch failed (server down, wrong URL, DNS, CORS, aborted).
 * - `UNEXPECTED_RESPONSE`: an answer that is not Sigil's (an HTML error page of a proxy, a body
 *   that is not JSON, a problem without a code).
 * - `NOT_SIGNED_IN`: there are no tokens to refresh or to log out with.
 * - `SIGNER_REJECTED`: the wallet refused or failed to sign, or gave no account.
 * - `WALLET_CHAIN_NOT_ALLOWED`: the wallet is on a chain the server does not accept; nothing was
 *   signed and no nonce was spent.
 */
export type ClientErrorCode =
  | 'NETWORK_ERROR'
  | 'UNEXPECTED_RESPONSE'
  | 'NOT_SIGNED_IN'
  | 'SIGNER_REJECTED'
  | 'WALLET_CHAIN_NOT_ALLOWED'

/**
 * Every code a {@link SigilError} may carry. A newer server may send a code this client does not
 * know yet, so any string is accepted (and the known ones still autocomplete).
 */
export type SigilErrorCode = ServerErrorCode | ClientErrorCode | (string & {})

export interface SigilErrorInit {
  code: SigilErrorCode
  /** The HTTP status, or undefined when no answer came from the server. */
  status?: number | undefined
  title?: string | undefined
  detail?: string | undefined
  cause?: unknown
}

/** Every failure of the client: the server's problem document (RFC 9457), or one of its own. */
export class SigilError extends Error {
  override readonly name = 'SigilError'
  readonly code: SigilErrorCode
  readonly status: number | undefined
  readonly title: string | undefined
  readonly detail: string | undefined

  constructor(init: SigilErrorInit) {
    const text = init.detail ?? init.title
    super(text ? `${init.code}: ${text}` : init.code, init.cause === undefined ? {} : { cause: init.cause })
    this.code = init.code
    this.status = init.status
    this.title = init.title
    this.detail = init.detail
  }
}

/** Narrows `error` to a {@link SigilError}, optionally of one code: `isSigilError(e, 'TOKEN_EXPIRED')`. */
export function isSigilError(error: unknown, code?: SigilErrorCode): error is SigilError {
  return error instanceof SigilError && (code === undefined || error.code === code)
}
