import { Kysely, Migrator, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Stores } from '../../core/ports.js'
import { createMemoryRateLimitStore } from '../memory/rate-limit-store.js'
import { createMemorySignatureUseStore } from '../memory/signature-use-store.js'
import { createAccountStore } from '../sql/account-store.js'
import { createApiKeyStore } from '../sql/api-key-store.js'
import { createAuditStore } from '../sql/audit-store.js'
import { createChallengeStore } from '../sql/challenge-store.js'
import { postgresTraits } from '../sql/dialect.js'
import { createInviteStore } from '../sql/invite-store.js'
import { createIsolatedAccountStore } from '../sql/isolated-account-store.js'
import { migrationNames, migrationProvider } from '../sql/migrations.js'
import type { Database } from '../sql/schema.js'
import { createSessionStore } from '../sql/session-store.js'
import { createSignatureUseStore } from '../sql/signature-use-store.js'
import { createSigningKeyStore } from '../sql/signing-key-store.js'
import { createStarknetAccountStore } from '../sql/starknet-account-store.js'
import { outageMappingPool } from './outage.js'

/** `postgres://…` or `postgresql://…`. */
export const isPostgresUrl = (databaseUrl: string) => /^postgres(ql)?:\/\//i.test(databaseUrl)

const INT8_OID = 20

/**
 * Per-pool type parsers (never the process-wide `pg.types`): `bigint` columns are epoch
 * milliseconds and audit ids, far below 2^53, so they come back as numbers. `bytea` stays a
 * Buffer (a Uint8Array), which the stores copy into plain Uint8Arrays.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
}

export interface PostgresPoolOptions {
  /** Most connections the pool holds (config `databasePoolMax`). */
  poolMax: number
}

/**
 * The pool Sigil runs on: a connection is dialled in at most 5 s, a statement runs at most 10 s
 * (server-side `statement_timeout`; the client gives up at 12 s, for a server that went silent),
 * an idle transaction is ended at 30 s, idle connections close after 30 s, TCP keepalive is on.
 */
export function createPostgresPool(databaseUrl: string, { poolMax }: PostgresPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolMax,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
    query_timeout: 12_000,
    idle_in_transaction_session_timeout: 30_000,
    keepAlive: true,
    application_name: 'sigil',
    types,
  })
  // An idle connection that dies (PostgreSQL restarted, a proxy cut it) is reported here; without
  // a listener it would crash the process. The pool has dropped it already and dials a new one
  // when next asked; a request that needs the database meanwhile gets SERVICE_UNAVAILABLE.
  pool.on('error', () => {})
  return pool
}

const openKysely = (databaseUrl: string, options: PostgresPoolOptions) =>
  new Kysely<Database>({
    dialect: new PostgresDialect({ pool: outageMappingPool(createPostgresPool(databaseUrl, options)) }),
  })

/** Applies every pending migration; returns the names applied now, in order. */
export async function migratePostgres(db: Kysely<Database>): Promise<string[]> {
  await checkPostgresSchema(db, { allowPending: true })
  const { error, results } = await new Migrator({
    db,
    provider: migrationProvider('postgres'),
  }).migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName
    throw new Error(
      failed
        ? `database migration ${failed} failed: ${(error as Error).message}`
        : `database migration failed: ${(error as Error).message}`,
      { cause: error },
    )
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** The migrations the database records as applied (none when it was never migrated). */
async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const table = await sql<{
    exists: boolean
  }>`select to_regclass('kysely_migration') is not null as exists`.execute(db)
  if (!table.rows[0]?.exists) return []
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)
  return rows.rows.map((r) => r.name)
}

/**
 * Refuses a database whose schema is not exactly the one this code knows: one with a pending
 * migration (run `sigil migrate`), or one migrated by a newer Sigil (its stores could misread it).
 */
export async function checkPostgresSchema(
  db: Kysely<Database>,
  { allowPending = false }: { allowPending?: boolean } = {},
): Promise<void> {
  const known = migrationNames()
  const applied = await appliedMigrations(db)
  const unknown = applied.filter((name) => !known.includes(name))
  if (unknown.length > 0)
    throw new Error(
      `the PostgreSQL schema is newer than this Sigil: it has migration(s) ${unknown.join(', ')}, which this version does not know. Run the Sigil version that applied them (or newer); \`sigil migrate\` never downgrades.`,
    )
  const pending = known.filter((name) => !applied.includes(name))
  if (pending.length > 0 && !allowPending)
    throw new Error(
      `the PostgreSQL schema is not up to date: ${pending.length} pending migration(s) (${pending.join(', ')}). Run \`sigil migrate\` with the same database URL, then start again.`,
    )
}

/** `sigil migrate` on PostgreSQL: applies what is pending with a short-lived pool; the names applied. */
export async function migratePostgresDatabase(databaseUrl: string): Promise<string[]> {
  const db = openKysely(databaseUrl, { poolMax: 1 })
  try {
    return await migratePostgres(db)
  } finally {
    await db.destroy()
  }
}

/**
 * Every durable port over PostgreSQL through the same Kysely query code as SQLite (store/sql),
 * with the PostgreSQL traits: the atomic steps that SQLite's one writer gives for free take row
 * or table locks here (see SqlDialectTraits and each store's TSDoc). Rate limits stay in memory,
 * as on SQLite. The schema must be current: it is checked, not migrated, unless `migrate` is set
 * (tests, and `sigil migrate`'s own path); an outage at any call rejects with SERVICE_UNAVAILABLE.
 */
export async function openPostgresStores(
  databaseUrl: string,
  options: { poolMax: number; migrate?: boolean },
): Promise<Stores & { db: Kysely<Database> }> {
  if (!isPostgresUrl(databaseUrl)) throw new Error(`not a PostgreSQL URL: ${databaseUrl.split(':')[0]}:…`)
  const db = openKysely(databaseUrl, options)
  try {
    if (options.migrate) await migratePostgres(db)
    await checkPostgresSchema(db)
  } catch (error) {
    await db.destroy()
    throw error
  }
  const traits = postgresTraits
  return {
    db,
    accounts: createAccountStore(db),
    starknetAccounts: createStarknetAccountStore(db),
    signatureUses: createSignatureUseStore(db),
    requestSignatureUses: createMemorySignatureUseStore(),
    isolatedAccounts: createIsolatedAccountStore(db, traits),
    challenges: createChallengeStore(db),
    sessions: createSessionStore(db),
    signingKeys: createSigningKeyStore(db, traits),
    apiKeys: createApiKeyStore(db, traits),
    invites: createInviteStore(db, traits),
    audit: createAuditStore(db),
    rateLimits: createMemoryRateLimitStore(),
    // Readiness: one pooled connection answers (an outage is SERVICE_UNAVAILABLE, as everywhere).
    async ping() {
      await sql`select 1`.execute(db)
    },
    close: () => db.destroy(),
  }
}
