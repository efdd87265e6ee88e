/**
 * Starknet accounts (Paradex onboarding) and their subkeys.
 * The contracts every port keeps (concurrency, outages): core/ports.ts.
 */

import type { AccountStatus } from '../scopes.js'
import type { Address } from './accounts.js'

/** How a Starknet account proves control: a Stark key, or an Ethereum key through SIWE (Paradex v2). */
export type StarknetSignerType = 'starknet' | 'eip191'

/**
 * A Starknet (Paradex) account and its onboarded signer. Felts are in canonical text
 * (`feltToHex`: 0x, lower case, no leading zeros), so header spellings never duplicate a row.
 */
export interface StarknetAccount {
  account: string
  signerType: StarknetSignerType
  /** `starknet`: the stark key (canonical felt). `eip191`: the signer's Ethereum address, lower case. */
  publicKey: string
  /**
   * `starknet`: PARADEX-ETHEREUM-ACCOUNT as sent at onboarding, unauthenticated metadata (no
   * signature covers it). `eip191`: the recovered SIWE signer (EIP-55).
   */
  ethAddress?: Address
  /** The Sigil account it is linked to: its id is `account` itself (see docs/dialects.md, Paradex). */
  accountId: string
  createdAt: number
}

export type RegisterStarknetAccountOutcome =
  | { status: 'registered' | 'existing'; record: StarknetAccount }
  /** The account is onboarded with another signer; nothing changed. */
  | { status: 'key_mismatch' }
  /** The address is linked as another account's isolated-market account; nothing changed. */
  | { status: 'isolated_account' }

/**
 * A Paradex subkey: a stark key the account's main key registered, that signs `/v1/auth` for the
 * account (and so trades) but never manages keys. Revoked rows stay: their id names the revoked
 * tokens (see core/paradex/subkey-revocations.ts), and a listing may show them.
 */
export interface ParadexSubkey {
  /** Random; the `sid` of the subkey's tokens derives from it, so a re-registered key is a new one. */
  id: string
  accountId: string
  /** Canonical `0x` + unpadded lowercase hex, as parsePublicKey gives it. */
  publicKey: string
  name: string
  createdAt: number
  updatedAt: number
  revokedAt?: number
}

export interface ParadexSubkeyStore {
  /**
   * Stores the subkey only if its account has fewer than `maxActivePerAccount` unrevoked subkeys
   * and none of them has this public key (`limit_reached` wins over `exists`). Count, duplicate
   * check and insert are one atomic step, as ApiKeyStore.insert (store/sql/dialect.ts `boundedInsert`).
   */
  insert(
    subkey: Omit<ParadexSubkey, 'revokedAt'>,
    limit: { maxActivePerAccount: number },
  ): Promise<'inserted' | 'exists' | 'limit_reached'>
  /** The account's unrevoked subkey with this public key. */
  findActive(accountId: string, publicKey: string): Promise<ParadexSubkey | undefined>
  findById(id: string): Promise<ParadexSubkey | undefined>
  /** Oldest first; revoked ones too when asked. */
  listOfAccount(accountId: string, options: { withRevoked: boolean }): Promise<ParadexSubkey[]>
  /** Renames the account's unrevoked subkey; the updated row, or undefined when there is none. */
  rename(accountId: string, publicKey: string, name: string, now: number): Promise<ParadexSubkey | undefined>
  /**
   * Revokes the account's unrevoked subkey with this public key; the revoked row, or undefined when
   * there is none. One conditional statement: of concurrent revocations exactly one gets the row.
   */
  revoke(accountId: string, publicKey: string, now: number): Promise<ParadexSubkey | undefined>
  /** Subkeys revoked at or after `since` (their tokens may still be unexpired). */
  listRevokedSince(since: number): Promise<{ id: string; revokedAt: number }[]>
}

export interface StarknetAccountStore {
  /**
   * Onboards `account` with its signer, creating its Sigil account (status `statusIfNew`) in the
   * same transaction. Idempotent for the same signer (`existing`, the first eth address kept);
   * refuses another signer for an onboarded account, and an address that is an isolated-market
   * account (its parent would otherwise act for it). Racing onboardings of one account end in one
   * pair (insert-or-ignore on both keys, in one transaction; on PostgreSQL the racing inserts wait
   * for the first transaction to commit, then ignore), and only the racer whose insert took hears
   * `registered`.
   * An isolated link racing the onboarding may still land; `listByParent` leaves it out (inert).
   */
  register(
    input: { account: string; signerType: StarknetSignerType; publicKey: string; ethAddress?: Address },
    now: number,
    statusIfNew: AccountStatus,
  ): Promise<RegisterStarknetAccountOutcome>
  /** A plain read. */
  find(account: string): Promise<StarknetAccount | undefined>
}
