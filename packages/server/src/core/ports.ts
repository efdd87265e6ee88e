/**
 * Store interfaces, named after the use cases core needs (lucia-style narrow ports, not a generic
 * `findOne`). Every adapter (SQLite, PostgreSQL; Redis for the ephemeral ones) implements these
 * and runs the same conformance suite (test/conformance/). Times are epoch milliseconds. Secrets arrive here only as SHA-256 hashes.
 *
 * Concurrency: any method may run concurrently with any other, from many requests and (PostgreSQL)
 * many replicas on separate connections: the contracts below must hold for an adapter with many
 * connections, not only for SQLite's one. Reads see what was committed before they ran. Each write says below what racing callers observe;
 * where it says "atomic", the adapter guarantees it with one conditional statement or a lock,
 * never with a read in one call and a write in the next. PostgreSQL runs at READ COMMITTED (no
 * SERIALIZABLE, so no retries): a conditional UPDATE/DELETE that waited on a row lock re-checks its
 * WHERE on the row's newest version, an INSERT ... ON CONFLICT waits for a racing insert of the
 * same key to commit; where that is not enough, the "PostgreSQL:" notes below name the lock taken
 * (the switches are `SqlDialectTraits` in store/sql/dialect.ts).
 *
 * Outage: when the store cannot be reached (PostgreSQL down or restarting, connection lost, pool
 * or statement timeout), any method rejects with `AuthError('SERVICE_UNAVAILABLE')` (503), never
 * with another code and never with a result it did not read. A write that fails so may or may not
 * have committed (its COMMIT's answer may be what was lost); one that resolved is durable.
 */

import type { PublicKeyJwk } from '@sigil/protocol/http-signatures'
import type { AccountStatus, ApiKeyScope } from './scopes.js'

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

export interface Session {
  id: string
  accountId: string
  /** `token`: access JWTs + a refresh-token family; `cookie`: an httpOnly session cookie. */
  kind: 'token' | 'cookie'
  createdAt: number
  /** Absolute end of the session, whatever its refresh tokens say. */
  expiresAt: number
  lastUsedAt: number
  revokedAt?: number
  ip?: string
  userAgent?: string
  /** Cookie sessions only: SHA-256 of the secret half of the cookie value `id.secret`. */
  secretHash?: Uint8Array
  /**
   * Sessions of contract wallets only (EIP-1271/6492): what a refresh needs to ask the wallet
   * again whether it still accepts its sign-in signature. Absent for ordinary (EOA) wallets.
   */
  contractWallet?: ContractWalletCheck
}

/**
 * A contract wallet's sign-in proof, kept so that a refresh can re-check it against the chain's
 * current state (owners change). Safe to store in clear: a SIWE signature is a public proof, not a
 * credential. It cannot sign in again: the sign-in needs the message itself (only its hash is
 * here), and that message's nonce is spent; nor can it sign anything else, since it vouches for
 * this hash only.
 */
export interface ContractWalletCheck {
  /** The SIWE message's Chain ID: the only chain asked, at sign-in and at every re-check. */
  chainId: number
  address: Address
  /** EIP-191 hash of the exact message signed (what `isValidSignature` was asked about). */
  hash: `0x${string}`
  /** The signature as received: plain EIP-1271, or wrapped for EIP-6492. */
  signature: `0x${string}`
}

/** One link of a refresh-token family; the family is the session. */
export interface RefreshToken {
  id: string
  sessionId: string
  /** SHA-256 of the secret half of `id.secret`; the secret itself is never stored. */
  secretHash: Uint8Array
  createdAt: number
  expiresAt: number
  /** Set when the token was exchanged; presenting it again is reuse (past the reuse interval). */
  usedAt?: number
  /**
   * After a rotation, while the reuse interval lasts: the successor's token value sealed under a
   * key derived from this token's secret (core/sessions/successor-seal.ts), so a replay of this
   * token can be answered with the same successor. Unreadable without this token's secret.
   */
  successorSealed?: Uint8Array
}

export type RotateRefreshTokenOutcome = 'rotated' | 'already_used' | 'session_inactive'

export interface SessionStore {
  /**
   * Creates the session and, for a token session, its first refresh token, in one transaction:
   * no reader sees one without the other. `event` (the sign-in's audit event) is appended in the
   * same transaction: a crash keeps all of them or none, and a sign-in costs one write, not two.
   */
  create(session: Session, refreshToken?: RefreshToken, event?: AuditEvent): Promise<void>
  find(sessionId: string): Promise<Session | undefined>
  findRefreshToken(id: string): Promise<{ token: RefreshToken; session: Session } | undefined>
  /**
   * In one transaction: marks `usedId` used only if it is still unused, checks that its session is
   * neither revoked nor past `expiresAt`, stores `next` and touches the session. Of N concurrent
   * rotations of one token exactly one returns `rotated`. One racing a `revoke` either commits
   * first (its new token then dies with the session) or returns `session_inactive`. Both steps
   * are conditional UPDATEs (token, then session: the row locks they take are the whole
   * mechanism on PostgreSQL, always in that order, also in `deleteEndedBefore`).
   */
  rotateRefreshToken(
    usedId: string,
    next: RefreshToken,
    now: number,
    /** Stored on the used token by the same conditional UPDATE that marks it used (reuse interval). */
    successorSealed?: Uint8Array,
  ): Promise<RotateRefreshTokenOutcome>
  /**
   * Housekeeping: drops the sealed successors of tokens used before `before` (the reuse interval
   * is over for them, so nothing may unseal them any more). Returns how many were dropped.
   */
  forgetSuccessorsUsedBefore(before: number): Promise<number>
  /**
   * Revokes one session (its refresh family with it); false when it was not active. Conditional
   * on `revokedAt` being unset: of concurrent revocations exactly one returns true.
   */
  revoke(sessionId: string, now: number): Promise<boolean>
  /**
   * Revokes every active session of the account in one statement; returns the ids this call
   * revoked (not those a racing call got first). A session created concurrently may escape it.
   */
  revokeAllOfAccount(accountId: string, now: number): Promise<string[]>
  /**
   * Sessions revoked at or after `since`, to seed the in-memory revocation list at start. A plain
   * read: a revocation that commits after it is not in it.
   */
  listRevokedSince(since: number): Promise<{ id: string; revokedAt: number }[]>
  /** Sessions of the account that are neither revoked nor expired, newest first. */
  listActiveOfAccount(accountId: string, now: number): Promise<Session[]>
  /**
   * Housekeeping: forgets refresh tokens that expired before `before`, and sessions that ended
   * (expired or revoked) before it, with their tokens. Returns how many sessions went.
   */
  deleteEndedBefore(before: number): Promise<number>
  /**
   * Records use (at most as often as the caller decides) and, for sliding cookies, a new expiry.
   * Never revives a revoked session; between racing touches the last write wins.
   */
  touch(sessionId: string, now: number, expiresAt?: number): Promise<void>
}

/**
 * How an API key proves itself. `secret`: a bearer secret, of which only SHA-256 of the secret part
 * is stored (and its last four characters, for the masked form in lists). `public-key`: an RFC 9421
 * signing key (docs/signed-requests.md); only its public JWK is stored, nothing secret at all.
 */
export type ApiKeyCredential =
  | { kind: 'secret'; secretHash: Uint8Array; secretTail: string }
  | { kind: 'public-key'; publicKey: PublicKeyJwk }
  /** An `hmac-sha256` signed-request key: its shared secret, sealed under the master key. */
  | { kind: 'hmac'; sealedSecret: Uint8Array }

/** A credential replaced by a rotation, kept for its grace period: what verifies, nothing shown. */
export type PreviousApiKeyCredential =
  | { kind: 'secret'; secretHash: Uint8Array }
  | { kind: 'public-key'; publicKey: PublicKeyJwk }
  | { kind: 'hmac'; sealedSecret: Uint8Array }

export type ApiKeyCredentialKind = ApiKeyCredential['kind']

export interface ApiKey {
  id: string
  accountId: string
  name: string
  scope: ApiKeyScope
  credential: ApiKeyCredential
  /**
   * After a rotation with a grace period: the replaced credential (always of the same kind), valid
   * until `previousExpiresAt`.
   */
  previousCredential?: PreviousApiKeyCredential
  previousExpiresAt?: number
  /** IPv4/IPv6 addresses and CIDR ranges, normalised; empty means any IP. */
  allowedIps: string[]
  createdAt: number
  expiresAt?: number
  revokedAt?: number
  lastUsedAt?: number
  lastUsedIp?: string
}

export interface ApiKeyStore {
  /**
   * Stores the new key only if its account has fewer than `maxActivePerAccount` keys in force
   * (neither revoked nor expired at `key.createdAt`; a rotated key in its grace period is one
   * key), else `limit_reached` and nothing is stored. Count and insert are one atomic step: of N
   * concurrent inserts for an account with room for k more, exactly k succeed. PostgreSQL: the
   * same statement in a transaction that first locks the account row (`SELECT ... FOR NO KEY
   * UPDATE`, store/sql/dialect.ts `boundedInsert`); SQLite gets it from the one statement.
   */
  insert(key: ApiKey, limit: { maxActivePerAccount: number }): Promise<'inserted' | 'limit_reached'>
  findById(id: string): Promise<ApiKey | undefined>
  listOfAccount(accountId: string): Promise<ApiKey[]>
  /**
   * Revokes the account's active (unexpired, unrevoked) key; false when it has no such key. One
   * conditional statement: of concurrent revocations exactly one returns true.
   */
  revoke(id: string, accountId: string, now: number): Promise<boolean>
  /**
   * Replaces the credential of the account's active key whose credential is of the same kind
   * (a secret by a secret, a public key by a public key); the old one stays valid until
   * `previousExpiresAt` (grace), or not at all when that is `now`. False when no such active key
   * of that kind. One conditional statement: racing rotations apply one after the other (each
   * keeps the credential it replaced as previous); one racing a revocation precedes it or returns
   * false.
   */
  replaceCredential(
    id: string,
    accountId: string,
    next: { credential: ApiKeyCredential; previousExpiresAt: number },
    now: number,
  ): Promise<boolean>
  /** Best effort, outside any transaction; between racing writes the last one wins. */
  recordUse(id: string, now: number, ip: string): Promise<void>
}

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

/** One window of a sliding-window counter, as the rate limiter reads it. */
export interface WindowCounts {
  current: number
  previous: number
  windowStart: number
}

export interface RateLimitStore {
  /**
   * Atomically adds `cost` to the counter of `key` in the fixed window containing `now` and
   * returns that window's and the previous window's counts. One call, one round trip: this is the
   * operation a Redis script replaces.
   */
  hit(key: string, windowMs: number, now: number, cost: number): Promise<WindowCounts>
}

export interface StoredSigningKey {
  kid: string
  alg: string
  /** JSON of the public JWK. */
  publicJwk: string
  /** JSON of the private JWK, or of its AES-256-GCM envelope when a master key is configured. */
  privateJwk: string
  createdAt: number
  /** When a newer key takes (or took) over signing; absent for the active key and a scheduled one. */
  retiredAt?: number
  /**
   * When it starts signing, for a key scheduled ahead (`sigil keys rotate`): published in the
   * JWKS from its creation, signing only from this instant. Absent: signing from `createdAt`.
   */
  activatesAt?: number
}

export interface SigningKeyStore {
  /** Every key, oldest first; a plain read. */
  list(): Promise<StoredSigningKey[]>
  /**
   * Inserts `key` to sign from `at` (now, or later for a scheduled rotation), and retires at `at`
   * every key that would still sign then (unretired, or retired after `at`: a key scheduled
   * earlier that an immediate rotation overtakes), atomically. Concurrent
   * activations must end with exactly one active key: SQLite's write lock serializes them;
   * PostgreSQL takes `LOCK TABLE signing_keys IN EXCLUSIVE MODE` first (store/sql/dialect.ts
   * `tableLock`), since at READ COMMITTED the retiring UPDATE would not see a key another
   * activation just inserted. `list` (a plain read) does not wait on that lock.
   */
  activate(key: StoredSigningKey, at: number): Promise<void>
}

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

/** An isolated-market account: a separate trading account that belongs to one main account. */
export interface IsolatedAccount {
  account: string
  parentAccountId: string
  market: string
  createdAt: number
}

export interface IsolatedAccountStore {
  /**
   * Links `account` to its parent only if the parent has fewer than `maxPerParent` links (counted
   * as `listByParent` lists them), else `limit_reached`, which wins over `exists` and `taken`.
   * `exists` when the same link is already there; `taken` when the account has another parent or
   * market. Count and insert are one atomic step: of N concurrent adds to a parent with room for
   * k more, exactly k are `added` (PostgreSQL: a `FOR NO KEY UPDATE` lock on the parent's account
   * row, see store/sql/dialect.ts). The outcome of a refused add is read after the refusal, not with it.
   */
  add(
    input: Omit<IsolatedAccount, 'createdAt'>,
    now: number,
    limit: { maxPerParent: number },
  ): Promise<
    | { status: 'added' | 'exists'; record: IsolatedAccount }
    | { status: 'taken' }
    | { status: 'limit_reached' }
  >
  /** The parent's links, minus any whose account has since become a main account (inert). A plain read. */
  listByParent(parentAccountId: string): Promise<IsolatedAccount[]>
  /** Unlinks the account; one statement, so of concurrent removals exactly one returns true. */
  remove(account: string): Promise<boolean>
}

/**
 * The port behind the IP → country lookup (an operator's CSV file today: store/geo/). Not one of
 * `Stores`: it is read-only and optional. Sync on purpose: the table is in memory, and a lookup is
 * one binary search on the request path. Immutable once loaded, so concurrent lookups need nothing.
 */
export interface IpCountryDatabase {
  /** The two-letter code the database gives the address (any case, maybe a placeholder), or undefined. */
  countryOf(ip: string): string | undefined
}

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
