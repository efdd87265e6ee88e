/**
 * Sign-in nonces: issued once, consumed once.
 * The contracts every port keeps (concurrency, outages): core/ports.ts.
 */

import type { Address } from './accounts.js'

export interface Challenge {
  nonce: string
  /** Which API minted it (`native`, later a dialect): a nonce is only good where it was issued. */
  purpose: string
  /** Lower-case address the nonce is bound to, when the client named one. */
  address?: Address
  createdAt: number
  expiresAt: number
}

export type ConsumeChallengeOutcome =
  | { status: 'consumed'; challenge: Challenge }
  | { status: 'unknown' | 'used' | 'expired' | 'address_mismatch' }

export interface ChallengeStore {
  /** Nonces are random: a duplicate is a unique-key error, never an overwrite. */
  insert(challenge: Challenge): Promise<void>
  /**
   * Atomically marks the nonce used and returns it: of N concurrent callers exactly one gets
   * `consumed` (one `UPDATE ... WHERE used_at IS NULL ... RETURNING`; on PostgreSQL the racers
   * that waited on the row re-check `used_at` and match nothing). A nonce bound to another address is left unused (`address_mismatch`). (Anyone may
   * still burn a bound nonce by naming its address with a bad signature, since the nonce is spent
   * before the signature is checked: the cost of that order is one retry for the wallet.)
   */
  consume(
    nonce: string,
    expect: { purpose: string; address: Address; now: number },
  ): Promise<ConsumeChallengeOutcome>
  /** Housekeeping: forgets nonces that expired by `now` (a racing `consume` of one sees `unknown` or `expired`). */
  deleteExpired(now: number): Promise<number>
}
