/**
 * The access-token signing-key ring.
 * The contracts every port keeps (concurrency, outages): core/ports.ts.
 */

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
