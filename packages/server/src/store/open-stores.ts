import type { Kysely } from 'kysely'
import type { Stores } from '../core/ports.js'
import {
  isPostgresUrl,
  migratePostgresDatabase,
  openPostgresStores,
} from './postgres/open-postgres-stores.js'
import type { Database } from './sql/schema.js'
import { migrateSqliteDatabase, openSqliteStores, sqlitePath } from './sqlite/open-sqlite-stores.js'

export interface OpenStoresOptions {
  /** PostgreSQL: most connections the pool holds (config `databasePoolMax`); default 10. */
  poolMax?: number
}

const unsupported = (databaseUrl: string) =>
  new Error(
    `unsupported database URL scheme "${databaseUrl.split(':')[0]}" (supported: sqlite:, postgres://, postgresql://)`,
  )

/**
 * Picks the store adapter from the database URL's scheme. SQLite migrates at start; PostgreSQL
 * checks that its schema is exactly this code's and refuses to open otherwise (`sigil migrate`).
 */
export async function openStores(
  databaseUrl: string,
  options: OpenStoresOptions = {},
): Promise<Stores & { db: Kysely<Database> }> {
  if (sqlitePath(databaseUrl)) return openSqliteStores(databaseUrl)
  if (isPostgresUrl(databaseUrl)) return openPostgresStores(databaseUrl, { poolMax: options.poolMax ?? 10 })
  throw unsupported(databaseUrl)
}

/** `sigil migrate`: applies the pending migrations to the database; the names applied now, in order. */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  if (sqlitePath(databaseUrl)) return migrateSqliteDatabase(databaseUrl)
  if (isPostgresUrl(databaseUrl)) return migratePostgresDatabase(databaseUrl)
  throw unsupported(databaseUrl)
}
