import type { Kysely } from 'kysely'
import type { Database } from './schema.js'

/**
 * What the shared query code must know about the dialect under it. The queries are the same on
 * every dialect; what differs is how a bounded insert (API keys per account, isolated links per
 * main account) keeps a concurrent one for the same account from slipping past its count.
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
}

export const sqliteTraits: SqlDialectTraits = { boundedInsert: 'statement' }

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
