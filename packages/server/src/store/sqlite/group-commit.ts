import type BetterSqlite3 from 'better-sqlite3'
import type { OnConnection } from './connection-gate.js'

/**
 * Group commit: writes that reach the store in the same turn of the event loop (the sign-ins
 * whose requests arrived together) commit in one SQLite transaction, after the turn's I/O
 * callbacks (`setImmediate`). Each caller is answered only once the transaction holding its rows
 * has committed, so nothing is acknowledged that a crash could lose beyond what one transaction
 * per write could lose (bench/RESULTS.md, "what a crash can lose"). Why: a sign-in's rows touch
 * about twelve B-trees (three tables and their indexes), and SQLite writes each touched page to
 * the WAL once per commit, so N sign-ins committed together write far fewer pages than N commits.
 *
 * Every write is all-or-nothing as before. Should one of a group fail (a constraint, say), the
 * group's transaction rolls back whole and each write is then retried alone in its own
 * transaction: exactly the failing ones fail, and no write ever lands in part.
 */
export function groupCommit<T>(
  sqlite: BetterSqlite3.Database,
  onConnection: OnConnection,
  write: (unit: T) => void,
): (unit: T) => Promise<void> {
  type Pending = { unit: T; resolve: () => void; reject: (error: unknown) => void }
  let queue: Pending[] = []
  const writeOne = sqlite.transaction(write)
  const writeAll = sqlite.transaction((pending: Pending[]) => {
    for (const { unit } of pending) write(unit)
  })

  const flush = () => {
    const pending = queue
    queue = []
    onConnection(() => {
      try {
        writeAll(pending)
      } catch {
        // One of them (or the commit) failed and nothing of the group was written: each alone.
        for (const item of pending) {
          try {
            writeOne(item.unit)
          } catch (error) {
            item.reject(error) // its later resolve() is a no-op: a promise settles once
          }
        }
      }
    }).then(
      () => {
        for (const item of pending) item.resolve()
      },
      (error) => {
        for (const item of pending) item.reject(error)
      },
    )
  }

  return (unit) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ unit, resolve, reject })
      if (queue.length === 1) setImmediate(flush)
    })
}
