/**
 * Invite codes.
 * The contracts every port keeps (concurrency, outages): core/ports.ts.
 */

export interface Invite {
  /** SHA-256 of the code; codes are shown once by `sigil invites create`. */
  codeHash: Uint8Array
  maxUses: number
  uses: number
  createdAt: number
  expiresAt?: number
}

export interface InviteStore {
  /** Codes are random: a duplicate is a unique-key error, never an overwrite. */
  insert(invite: Invite): Promise<void>
  /**
   * In one transaction: takes one use of the code if it has uses left and has not expired, and
   * activates the pending account. `invalid` when the code cannot be used; `already_active`
   * when the account needs no invite (no use is taken then). A code is never over-spent: the use
   * is a conditional UPDATE, so of racers for its last use one wins. Racing redemptions for one
   * account must activate it once and spend one use: SQLite's write lock gives that; PostgreSQL
   * locks the account row (`SELECT status ... FOR NO KEY UPDATE`) where it reads the status, so
   * the later racers read `active` once the first commits (store/sql/dialect.ts `rowLock`).
   */
  redeem(
    codeHash: Uint8Array,
    accountId: string,
    now: number,
  ): Promise<'redeemed' | 'invalid' | 'already_active'>
}
