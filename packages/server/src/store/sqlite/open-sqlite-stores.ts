import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely'
import type { Stores } from '../../core/ports.js'
import { createMemoryChallengeStore } from '../memory/challenge-store.js'
import { createMemoryRateLimitStore } from '../memory/rate-limit-store.js'
import { createMemorySignatureUseStore } from '../memory/signature-use-store.js'
import { createAccountStore } from '../sql/account-store.js'
import { createApiKeyStore } from '../sql/api-key-store.js'
import { createAuditStore } from '../sql/audit-store.js'
import { sqliteTraits } from '../sql/dialect.js'
import { createInviteStore } from '../sql/invite-store.js'
import { createIsolatedAccountStore } from '../sql/isolated-account-store.js'
import { migrationProvider } from '../sql/migrations.js'
import { createParadexSubkeyStore } from '../sql/paradex-subkey-store.js'
import type { Database } from '../sql/schema.js'
import { createSessionStore } from '../sql/session-store.js'
import { createSignatureUseStore } from '../sql/signature-use-store.js'
import { createSigningKeyStore } from '../sql/signing-key-store.js'
import { createStarknetAccountStore } from '../sql/starknet-account-store.js'
import { withCachedStatements } from './cached-statements.js'
import { connectionGate } from './connection-gate.js'
import { preparedSignIn } from './prepared-sign-in.js'

/** `sqlite:<path>` or `sqlite::memory:` → the file path (or `:memory:`). */
export function sqlitePath(databaseUrl: string): string | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined
  const path = databaseUrl.slice('sqlite:'.length)
  return path.length > 0 ? path : undefined
}

function openSqliteKysely(databaseUrl: string): { db: Kysely<Database>; sqlite: SQLite.Database } {
  const path = sqlitePath(databaseUrl)
  if (!path) throw new Error(`not a sqlite URL: ${databaseUrl.split(':')[0]}:…`)
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new SQLite(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('foreign_keys = ON')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withCachedStatements(sqlite) }) })
  return { db, sqlite }
}

/** Applies every pending migration; returns the names applied now, in order. */
async function migrateSqlite(db: Kysely<Database>): Promise<string[]> {
  const { error, results } = await new Migrator({
    db,
    provider: migrationProvider('sqlite'),
  }).migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`database migration ${failed} failed`, { cause: error })
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** `sigil migrate` on SQLite (which also migrates at every start): the names applied now. */
export async function migrateSqliteDatabase(databaseUrl: string): Promise<string[]> {
  const { db } = openSqliteKysely(databaseUrl)
  try {
    return await migrateSqlite(db)
  } finally {
    await db.destroy()
  }
}

/**
 * The embedded default store: one SQLite file (WAL) through Kysely. The stores' atomic steps are
 * single conditional statements or transactions, and a writing statement holds SQLite's write
 * lock from before it reads (see sql/dialect.ts), so they hold against this process's concurrent
 * requests (which Kysely's driver also runs one at a time on its single connection) and against a
 * second process (the CLI) writing the same file, which the busy timeout makes wait.
 */
export async function openSqliteStores(databaseUrl: string): Promise<Stores & { db: Kysely<Database> }> {
  const { db, sqlite } = openSqliteKysely(databaseUrl)
  try {
    await migrateSqlite(db)
  } catch (error) {
    await db.destroy()
    throw error
  }
  // After the migrations: the sign-in's statements are prepared against the final schema.
  const signIn = preparedSignIn(sqlite, connectionGate(sqlite, db))

  return {
    db,
    accounts: { ...createAccountStore(db), ...signIn.accounts },
    starknetAccounts: createStarknetAccountStore(db),
    signatureUses: createSignatureUseStore(db),
    requestSignatureUses: createMemorySignatureUseStore(),
    isolatedAccounts: createIsolatedAccountStore(db, sqliteTraits),
    paradexSubkeys: createParadexSubkeyStore(db, sqliteTraits),
    // One process: nonces in memory (a restart only makes a wallet ask again; see the store).
    challenges: createMemoryChallengeStore(),
    sessions: { ...createSessionStore(db), ...signIn.sessions },
    signingKeys: createSigningKeyStore(db, sqliteTraits),
    apiKeys: createApiKeyStore(db, sqliteTraits),
    invites: createInviteStore(db, sqliteTraits),
    audit: createAuditStore(db),
    rateLimits: createMemoryRateLimitStore(),
    // Readiness: the file is open and answers (after close, Kysely refuses: not ready).
    async ping() {
      await sql`select 1`.execute(db)
    },
    close: () => db.destroy(),
  }
}
