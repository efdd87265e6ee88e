/**
 * Signatures already used (Paradex strict replay, RFC 9421 replay cache).
 * The contracts every port keeps (concurrency, outages): core/ports.ts.
 */

/** Signed messages already exchanged for a token (Paradex `strictReplay`). */
export interface SignatureUseStore {
  /**
   * Records `key` as used until `expiresAt`. True for the first use (or once an earlier use has
   * expired); false while an earlier use is live. Atomic: of concurrent claims, one wins (one
   * `INSERT ... ON CONFLICT DO UPDATE ... WHERE expires_at <= now`: on PostgreSQL a racer waits
   * for the winner's row and finds it live).
   */
  claim(key: string, expiresAt: number, now: number): Promise<boolean>
  /** Housekeeping: forgets uses expired by `now`; a racing `claim` of one of them wins either way. */
  deleteExpired(now: number): Promise<number>
}
