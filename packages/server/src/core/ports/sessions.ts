/**
 * Sessions and their refresh-token families.
 * The contracts every port keeps (concurrency, outages): core/ports.ts.
 */

import type { Address } from './accounts.js'
import type { AuditEvent } from './audit.js'

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
