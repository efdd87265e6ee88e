import type BetterSqlite3 from 'better-sqlite3'
import type { SqliteDatabase } from 'kysely'

/**
 * better-sqlite3 behind Kysely with prepared statements reused. Kysely's SQLite driver calls
 * `prepare()` for every query, and preparing costs more than running the small indexed statements
 * Sigil issues (it was ~9% of a sign-in's CPU in a profile). Kysely generates a handful of distinct
 * SQL strings, so a bounded map of them is enough. Safe to share: the driver runs one statement at
 * a time on its single connection and drains each before the next.
 */
export function withCachedStatements(database: BetterSqlite3.Database, maxStatements = 256): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement<unknown[]>>()
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = statements.get(sql)
      if (!statement) {
        statement = database.prepare(sql)
        if (statements.size >= maxStatements) statements.delete(statements.keys().next().value as string)
        statements.set(sql, statement)
      }
      return statement
    },
  }
}
