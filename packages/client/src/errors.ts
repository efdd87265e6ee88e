import type { ErrorCode as ServerErrorCode } from '@sigil/protocol/error-codes'

/**
 * The codes Sigil's native API answers with (docs/errors.md): the server's own list, imported as a
 * type only, so it costs a bundle nothing and cannot drift from what the server raises.
 */
export type { ServerErrorCode }

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
 * - `WEBSOCKET_UNAVAILABLE`: no global WebSocket (Node 20) and none was passed.
 * - `SOCKET_CLOSED`: the WebSocket was closed before the server answered (`close()`, or the server
 *   closed it for a reason that is not a credential's: 1008 policy, 1009 too large).
 * - `UNSUBSCRIBED`: a subscription was undone before the server confirmed it.
 * - `INVALID_SIGNING_KEY`: a request-signing key (`@sigil/client/signer`) that is malformed, of a
 *   type Sigil does not accept, or without its private part.
 * - `SIGNING_FAILED`: a request could not be signed (the signer failed or returned a signature of
 *   the wrong size); nothing was sent.
 */
export type ClientErrorCode =
  | 'NETWORK_ERROR'
  | 'UNEXPECTED_RESPONSE'
  | 'NOT_SIGNED_IN'
  | 'SIGNER_REJECTED'
  | 'WALLET_CHAIN_NOT_ALLOWED'
  | 'WEBSOCKET_UNAVAILABLE'
  | 'SOCKET_CLOSED'
  | 'UNSUBSCRIBED'
  | 'INVALID_SIGNING_KEY'
  | 'SIGNING_FAILED'

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
