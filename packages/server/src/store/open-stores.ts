import type { Stores } from '../core/ports.js'
import { openSqliteStores, sqlitePath } from './sqlite/open-sqlite-stores.js'

/** Picks the store adapter from the database URL's scheme. */
export async function openStores(databaseUrl: string): Promise<Stores> {
  if (sqlitePath(databaseUrl)) return openSqliteStores(databaseUrl)
  throw new Error(`unsupported database URL scheme "${databaseUrl.split(':')[0]}" (supported: sqlite:)`)
}
