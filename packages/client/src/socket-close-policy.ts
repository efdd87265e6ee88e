import { SigilError, type SigilErrorCode } from './errors.js'

/** RFC 6455 lets an application close with 4000-4999; the server reads this one as a goodbye. */
export const CLIENT_RETRY = 4000
export const NORMAL = 1000

/** A refusal a fresh access token cures (the same as the HTTP client's). */
export const REFRESHABLE = new Set<SigilErrorCode>(['TOKEN_EXPIRED', 'TOKEN_INVALID'])
/** Failures that say nothing about the credential: try again later on a new connection. */
export const TRANSIENT = new Set<SigilErrorCode>([
  'NETWORK_ERROR',
  'SOCKET_CLOSED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMITED',
])
/** The server ended the socket's credential: reconnecting would be refused the same way. */
const CREDENTIAL_ENDED: Record<number, SigilErrorCode> = {
  4001: 'SESSION_REVOKED',
  4002: 'API_KEY_REVOKED',
}
const CREDENTIAL_EXPIRED = 4003
/** Policy (five refused `auth`s) and a message too large: the same client would do it again. */
const REFUSED_FOR_GOOD = new Set([1008, 1009])

/** Reconnection delays, ms: from `min` doubling to `max`. */
export interface Backoff {
  min: number
  max: number
}

export interface ClosedConnection {
  code: number
  reason: string
  /** the server's last word before it closed (the `closing` notification) */
  closing?: { code?: string; message?: string } | undefined
  /** the access token the connection authenticated with; none for an API key or anonymously */
  bearer?: string | undefined
}

export type AfterClose =
  /** for good; `error` when the server ended the credential or refused the client for good */
  | { next: 'end'; error?: SigilError }
  /** the token ran out before a renewal landed (a sleeping laptop): refresh, then straight back */
  | { next: 'renew'; stale: string }
  | { next: 'reconnect'; delayMs: number }

/** What follows an unplanned close: the socket's whole reconnection policy, as one pure decision. */
export function afterClose(
  closed: ClosedConnection,
  backoff: Backoff | undefined,
  attempt: number,
): AfterClose {
  const { code, reason, closing, bearer } = closed
  const apiKeyExpired = code === CREDENTIAL_EXPIRED && bearer === undefined
  const ended = CREDENTIAL_ENDED[code] ?? (apiKeyExpired ? 'API_KEY_EXPIRED' : undefined)
  if (ended !== undefined || REFUSED_FOR_GOOD.has(code))
    return {
      next: 'end',
      error: new SigilError({
        code: closing?.code ?? ended ?? 'SOCKET_CLOSED',
        detail: closing?.message ?? `the server closed the socket (${code} ${reason})`,
      }),
    }
  if (!backoff) return { next: 'end' }
  if (code === CREDENTIAL_EXPIRED && bearer !== undefined) return { next: 'renew', stale: bearer }
  return { next: 'reconnect', delayMs: reconnectDelay(attempt, backoff) }
}

/**
 * Capped exponential backoff with equal jitter: at least half the ceiling, so a fleet that lost
 * one server does not return at once.
 */
function reconnectDelay(attempt: number, backoff: Backoff): number {
  const ceiling = Math.min(backoff.max, backoff.min * 2 ** attempt)
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2)
}
