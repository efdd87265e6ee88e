/**
 * The audit log.
 * The contracts every port keeps (concurrency, outages): core/ports.ts.
 */

export type AuditEventType =
  | 'sign_in.succeeded'
  | 'sign_in.failed'
  | 'account.onboarded'
  | 'refresh.reused'
  | 'session.revoked'
  | 'logout'
  | 'logout_all'
  | 'api_key.created'
  | 'api_key.rotated'
  | 'api_key.revoked'
  | 'subkey.registered'
  | 'subkey.revoked'
  /** A wallet's EIP-712 signature registered an agent key (a signed-request key, origin `agent`). */
  | 'agent_key.authorized'
  /** A wallet's EIP-712 signature revoked one of its account's keys. */
  | 'agent_key.revoked'
  /** A refused agent-key authorization or revocation (sampled per client, as refused sign-ins). */
  | 'agent_key.refused'
  | 'invite.redeemed'
  | 'rate_limit.denied'
  | 'geo.denied'

export interface AuditEvent {
  at: number
  type: AuditEventType
  accountId?: string
  ip?: string
  /** Non-secret facts: error codes, key and session ids, counts. Never a token or a secret. */
  detail?: Record<string, string | number | boolean>
}

export interface AuditStore {
  /**
   * Appends; events are never updated through this port, and deleted only by `deleteBefore`
   * (retention). Concurrent appends all land;
   * ids are unique and increasing (SQLite autoincrement, PostgreSQL an identity column), but may
   * commit out of order (not a cursor for tailing).
   */
  append(event: AuditEvent): Promise<void>
  /** A plain read of committed events, oldest id first (newest first with `newestFirst`). */
  query(filter: {
    accountId?: string
    since?: number
    /** Exclusive: events recorded before this. */
    until?: number
    limit: number
    /** The `limit` most recent events, newest first (an account's recent activity). */
    newestFirst?: boolean
  }): Promise<(AuditEvent & { id: number })[]>
  /**
   * Retention: deletes the events recorded before `before` (indexed on `at`, in batches so that
   * a large backlog never holds the write lock for long). Returns how many went.
   */
  deleteBefore(before: number): Promise<number>
}
