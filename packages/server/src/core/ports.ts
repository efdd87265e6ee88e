/**
 * Store interfaces, named after the use cases core needs (lucia-style narrow ports, not a generic
 * `findOne`). Every adapter (SQLite now; PostgreSQL and Redis later) implements these and runs the
 * same conformance suite. Times are epoch milliseconds. Secrets arrive here only as SHA-256 hashes.
 */

export type Address = `0x${string}`

export interface Account {
  id: string
  /** EIP-55 form; the store keys accounts on the 20 bytes, so case variants never duplicate. */
  address: Address
  createdAt: number
}

export interface AccountStore {
  /** Returns the account of this address, creating it on first sign-in (idempotent under races). */
  findOrCreateByAddress(address: Address, now: number): Promise<Account>
  findById(id: string): Promise<Account | undefined>
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
  insert(challenge: Challenge): Promise<void>
  /**
   * Atomically marks the nonce used and returns it: of N concurrent callers exactly one gets
   * `consumed`. A nonce bound to another address is left unused (`address_mismatch`), so a third
   * party who saw the nonce cannot burn it.
   */
  consume(
    nonce: string,
    expect: { purpose: string; address: Address; now: number },
  ): Promise<ConsumeChallengeOutcome>
  /** Housekeeping: forgets nonces that expired before `now`. */
  deleteExpired(now: number): Promise<number>
}

export interface Session {
  id: string
  accountId: string
  /** How it was created: `token` (JWT + refresh token) now; `cookie` later. */
  kind: 'token'
  createdAt: number
  /** Absolute end of the session, whatever its refresh tokens say. */
  expiresAt: number
  lastUsedAt: number
  revokedAt?: number
  ip?: string
  userAgent?: string
}

/** One link of a refresh-token family; the family is the session. */
export interface RefreshToken {
  id: string
  sessionId: string
  /** SHA-256 of the secret half of `id.secret`; the secret itself is never stored. */
  secretHash: Uint8Array
  createdAt: number
  expiresAt: number
  /** Set when the token was exchanged; presenting it again is reuse. */
  usedAt?: number
}

export type RotateRefreshTokenOutcome = 'rotated' | 'already_used' | 'session_inactive'

export interface SessionStore {
  /** Creates the session and its first refresh token together (never one without the other). */
  create(session: Session, refreshToken: RefreshToken): Promise<void>
  find(sessionId: string): Promise<Session | undefined>
  findRefreshToken(id: string): Promise<{ token: RefreshToken; session: Session } | undefined>
  /**
   * In one transaction: marks `usedId` used only if it is still unused, checks that its session is
   * neither revoked nor past `expiresAt`, stores `next` and touches the session. Of N concurrent
   * rotations of one token exactly one returns `rotated`.
   */
  rotateRefreshToken(usedId: string, next: RefreshToken, now: number): Promise<RotateRefreshTokenOutcome>
  /** Revokes one session (its refresh family with it); false when it was not active. */
  revoke(sessionId: string, now: number): Promise<boolean>
  /** Revokes every active session of the account; returns their ids. */
  revokeAllOfAccount(accountId: string, now: number): Promise<string[]>
  /** Sessions revoked at or after `since`, to seed the in-memory revocation list at start. */
  listRevokedSince(since: number): Promise<{ id: string; revokedAt: number }[]>
}

export interface StoredSigningKey {
  kid: string
  alg: string
  /** JSON of the public JWK. */
  publicJwk: string
  /** JSON of the private JWK, or of its AES-256-GCM envelope when a master key is configured. */
  privateJwk: string
  createdAt: number
  /** When a newer key took over signing; absent for the active key. */
  retiredAt?: number
}

export interface SigningKeyStore {
  list(): Promise<StoredSigningKey[]>
  /** Inserts `key` as the active key and retires the previous active one, atomically. */
  activate(key: StoredSigningKey, now: number): Promise<void>
}

export interface Stores {
  accounts: AccountStore
  challenges: ChallengeStore
  sessions: SessionStore
  signingKeys: SigningKeyStore
  close(): Promise<void>
}
