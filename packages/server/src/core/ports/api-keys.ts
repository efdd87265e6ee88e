/**
 * API keys: bearer secrets, signing keys (RFC 9421) and HMAC keys.
 * The contracts every port keeps (concurrency, outages): core/ports.ts.
 */

import type { PublicKeyJwk } from '@sigil/protocol/http-signatures'
import type { ApiKeyScope } from '../scopes.js'

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
