import { type Kysely, sql } from 'kysely'
import type { Database } from './schema.js'

/**
 * What the shared query code must know about the dialect under it. The queries are the same on
 * every dialect; what differs is how a transaction that reads and then writes keeps a concurrent
 * one from acting on the same stale read. SQLite has one writer at a time (a writing statement
 * takes the database's write lock before it reads, and Kysely's driver runs this process's
 * statements one at a time on its one connection); PostgreSQL runs transactions side by side on
 * many connections at READ COMMITTED (its default), where each statement sees what was committed
 * when it started, and a conditional UPDATE or DELETE that waited on a row lock re-checks its
 * WHERE on the row's newest version. Where that is not enough, a lock is taken, named below.
 */
export interface SqlDialectTraits {
  /**
   * - `statement`: SQLite. The bounded insert is one `INSERT ... SELECT ... WHERE (SELECT count(*)
   *   ...) < max` statement, and a writing statement takes the database's write lock before it
   *   reads, so its count cannot go stale before its row lands (also across connections and
   *   processes: the other writer waits on the busy timeout).
   * - `account-row-lock`: PostgreSQL, at READ COMMITTED (its default). Two such statements can read
   *   the same count from their snapshots and both insert, so the same statement runs in a
   *   transaction that first locks the account's row (`SELECT ... FOR NO KEY UPDATE`): bounded
   *   inserts of one account queue there, and each one's statement snapshot, taken after the
   *   lock, sees the rows of those before it. (Not REPEATABLE READ: its snapshot would predate the
   *   lock. NO KEY UPDATE rather than UPDATE, so that foreign-key checks of other tables inserting
   *   for the account, e.g. sessions, do not wait on it.)
   */
  boundedInsert: 'statement' | 'account-row-lock'
  /**
   * How a transaction locks a row it reads before writing depending on it (the account whose
   * status an invite redemption reads):
   * - `write-lock`: SQLite. No locking clause (SQLite has none); the transaction's first write
   *   takes the database's write lock, and this process's statements run one at a time.
   * - `for-no-key-update`: PostgreSQL. The read is `SELECT ... FOR NO KEY UPDATE`: racers for the
   *   same row queue on it, and each one, once it holds the lock, reads the row as the one before
   *   it committed it (READ COMMITTED returns the newest version of a row it locked).
   */
  rowLock: 'write-lock' | 'for-no-key-update'
  /**
   * How a transaction excludes every other writer of a whole table (signing-key activation, whose
   * "retire every active key" must see a key another activation has just inserted):
   * - `write-lock`: SQLite. Its write lock already covers the database.
   * - `lock-table`: PostgreSQL. `LOCK TABLE ... IN EXCLUSIVE MODE` first: it conflicts with itself
   *   and with the ROW EXCLUSIVE lock every INSERT and UPDATE takes, but not with plain reads.
   */
  tableLock: 'write-lock' | 'lock-table'
}

export const sqliteTraits: SqlDialectTraits = {
  boundedInsert: 'statement',
  rowLock: 'write-lock',
  tableLock: 'write-lock',
}

export const postgresTraits: SqlDialectTraits = {
  boundedInsert: 'account-row-lock',
  rowLock: 'for-no-key-update',
  tableLock: 'lock-table',
}

/**
 * Runs `insert` (one bounded-insert statement over the rows of `accountId`) so that no other
 * bounded insert for the same account interleaves with it, as `traits` says the dialect needs.
 */
export function boundedInsert<T>(
  db: Kysely<Database>,
  traits: SqlDialectTraits,
  accountId: string,
  insert: (executor: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (traits.boundedInsert === 'statement') return insert(db)
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forNoKeyUpdate().execute()
    return insert(trx)
  })
}

/** Inside a transaction: excludes every other writer of `table` until it ends (see `tableLock`). */
export async function lockTableForWrites(
  trx: Kysely<Database>,
  traits: SqlDialectTraits,
  table: keyof Database,
): Promise<void> {
  if (traits.tableLock === 'lock-table')
    await sql`lock table ${sql.table(table)} in exclusive mode`.execute(trx)
}
