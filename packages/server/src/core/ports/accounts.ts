/**
 * Accounts: one per wallet (or Starknet account), with its status.
 * The contracts every port keeps (concurrency, outages): core/ports.ts.
 */

import type { AccountStatus } from '../scopes.js'

export type Address = `0x${string}`

export interface Account {
  id: string
  /** EIP-55 form; the store keys accounts on the 20 bytes, so case variants never duplicate. */
  address: Address
  /** `pending` until an invite is redeemed, when invites are required; then `active`. */
  status: AccountStatus
  createdAt: number
}

export interface AccountStore {
  /**
   * Returns the account of this address, creating it with `statusIfNew` on first sign-in
   * (idempotent under races: two first sign-ins end in one account, both told it; the adapter
   * inserts-or-ignores on the unique address key and then reads. PostgreSQL: the racing
   * `INSERT ... ON CONFLICT DO NOTHING` waits for the first insert to commit, so the read after
   * it sees the row).
   */
  findOrCreateByAddress(address: Address, now: number, statusIfNew: AccountStatus): Promise<Account>
  findById(id: string): Promise<Account | undefined>
  findByAddress(address: Address): Promise<Account | undefined>
}
