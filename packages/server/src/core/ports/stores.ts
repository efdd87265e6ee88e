/**
 * Every store, as the gateway receives them.
 * The contracts every port keeps (concurrency, outages): core/ports.ts.
 */

import type { AccountStore } from './accounts.js'
import type { ApiKeyStore } from './api-keys.js'
import type { AuditStore } from './audit.js'
import type { ChallengeStore } from './challenges.js'
import type { InviteStore } from './invites.js'
import type { IsolatedAccountStore } from './isolated-accounts.js'
import type { RateLimitStore } from './rate-limits.js'
import type { SessionStore } from './sessions.js'
import type { SignatureUseStore } from './signature-uses.js'
import type { SigningKeyStore } from './signing-keys.js'
import type { ParadexSubkeyStore, StarknetAccountStore } from './starknet-accounts.js'

export interface Stores {
  accounts: AccountStore
  starknetAccounts: StarknetAccountStore
  signatureUses: SignatureUseStore
  /**
   * The replay cache of RFC 9421 signed requests (one claim per accepted signature base, for its
   * window): this process's memory on one process (SQLite), Redis when replicas share it.
   */
  requestSignatureUses: SignatureUseStore
  isolatedAccounts: IsolatedAccountStore
  paradexSubkeys: ParadexSubkeyStore
  challenges: ChallengeStore
  sessions: SessionStore
  signingKeys: SigningKeyStore
  apiKeys: ApiKeyStore
  invites: InviteStore
  audit: AuditStore
  rateLimits: RateLimitStore
  /**
   * A cheap round trip to every server behind the stores (`SELECT 1`, Redis `PING`), for readiness
   * probes; rejects when one cannot answer. Absent: nothing to reach (in-memory stores).
   */
  ping?(): Promise<void>
  /** Releases the connections; the caller starts no call after it and lets started ones settle first. */
  close(): Promise<void>
}
