import type BetterSqlite3 from 'better-sqlite3'
import type { Kysely } from 'kysely'
import type { Database } from '../sql/schema.js'

/** Runs synchronous better-sqlite3 work on the connection Kysely also uses, never inside its transactions. */
export type OnConnection = <T>(work: () => T) => Promise<T>

/**
 * The hot path's prepared statements run on the very connection Kysely's driver holds (one per
 * process), so they must never land inside a Kysely transaction that is open across an `await`:
 * they would commit or roll back with it. While no transaction is open (`inTransaction` false),
 * synchronous work cannot interleave with anything and runs at once; otherwise it waits for the
 * driver's connection lock, which Kysely holds until that transaction has ended.
 */
export function connectionGate(sqlite: BetterSqlite3.Database, db: Kysely<Database>): OnConnection {
  return <T>(work: () => T): Promise<T> => {
    if (sqlite.inTransaction) return db.connection().execute(async () => work())
    try {
      return Promise.resolve(work())
    } catch (error) {
      return Promise.reject(error)
    }
  }
}
