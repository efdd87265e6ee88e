import type { AuthErrorCode } from '../../../core/errors.js'
import { type DialectErrors, dialectError } from '../dialect-errors.js'

// OCX's documented statuses for its three codes.
const INVALID_SIWE_MESSAGE = { code: 'INVALID_SIWE_MESSAGE', status: 400 }
const NONCE_MISMATCH = { code: 'NONCE_MISMATCH', status: 400 }
const INVALID_SIGNATURE = { code: 'INVALID_SIGNATURE', status: 401 }

/**
 * OCX documents three sign-in codes: 400 `INVALID_SIWE_MESSAGE`, 400 `NONCE_MISMATCH`, 401
 * `INVALID_SIGNATURE`. Its clients branch on those, so every finer refusal of core is folded into
 * the one an OCX client already handles (a replayed or expired nonce: "get a fresh nonce"); the
 * precise reason stays in `message` and in the audit log. Codes OCX does not name keep Sigil's.
 */
export const ocxErrors: DialectErrors = {
  differences: {
    SIGNATURE_MALFORMED: INVALID_SIGNATURE,
    SIGNATURE_NOT_CANONICAL: INVALID_SIGNATURE,
    // "A signature minted for another site or chain is rejected": the message is not for us.
    DOMAIN_MISMATCH: INVALID_SIWE_MESSAGE,
    SCHEME_MISMATCH: INVALID_SIWE_MESSAGE,
    URI_MISMATCH: INVALID_SIWE_MESSAGE,
    CHAIN_NOT_ALLOWED: INVALID_SIWE_MESSAGE,
    MESSAGE_EXPIRED: INVALID_SIWE_MESSAGE,
    MESSAGE_NOT_YET_VALID: INVALID_SIWE_MESSAGE,
    ISSUED_AT_INVALID: INVALID_SIWE_MESSAGE,
    NONCE_UNKNOWN: NONCE_MISMATCH,
    NONCE_USED: NONCE_MISMATCH,
    NONCE_EXPIRED: NONCE_MISMATCH,
    NONCE_MISMATCH,
  },
  render(reply, error) {
    const [status, body] = ocxBody(error.status, error.code, error.title, error.detail)
    // OCX's 429 body says how long to wait; the rate-limit hook has already set Retry-After.
    const retryAfter =
      error.sigilCode === 'RATE_LIMITED' ? Number(reply.getHeader('retry-after')) : Number.NaN
    const extra = Number.isFinite(retryAfter) ? { retryAfterMs: retryAfter * 1000 } : {}
    return reply
      .code(status)
      .type('application/json; charset=utf-8')
      .send({ ...body, ...extra })
  },
}

const ocxBody = (status: number, code: string, title: string, detail?: string) =>
  [status, { error: code, message: detail ? `${title} (${detail})` : title }] as const

/** The OCX rendering of a core code: `[status, {error, message}]`. */
export function ocxError(code: AuthErrorCode, detail?: string) {
  const error = dialectError(ocxErrors, code, detail)
  return ocxBody(error.status, error.code, error.title, error.detail)
}
