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

export type * from './ports/accounts.js'
export type * from './ports/api-keys.js'
export type * from './ports/audit.js'
export type * from './ports/challenges.js'
export type * from './ports/geo.js'
export type * from './ports/invites.js'
export type * from './ports/isolated-accounts.js'
export type * from './ports/rate-limits.js'
export type * from './ports/sessions.js'
export type * from './ports/signature-uses.js'
export type * from './ports/signing-keys.js'
export type * from './ports/starknet-accounts.js'
export type * from './ports/stores.js'
