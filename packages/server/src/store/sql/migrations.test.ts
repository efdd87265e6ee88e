import { createHash } from 'node:crypto'
import SQLite from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect } from 'kysely'
import { describe, expect, it } from 'vitest'
import { migrationProvider } from './migrations.js'
import type { Database } from './schema.js'

/** Every statement the SQLite migrations (up to `target`, else all) run on a fresh SQLite database, in order. */
async function sqliteStatements(target?: string): Promise<string[]> {
  const statements: string[] = []
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: new SQLite(':memory:') }),
    log: (event) => {
      if (!event.query.sql.includes('kysely_migration')) statements.push(event.query.sql)
    },
  })
  try {
    const migrator = new Migrator({ db, provider: migrationProvider('sqlite') })
    const { error } = target ? await migrator.migrateTo(target) : await migrator.migrateToLatest()
    expect(error).toBeUndefined()
  } finally {
    await db.destroy()
  }
  return statements
}

describe('migrations', () => {
  it('invariant: the SQLite migrations run exactly the statements they always ran (existing databases)', async () => {
    // Pinned when the migrations became dialect-aware: a change here means an existing SQLite
    // database would differ from a new one. Add a migration instead of editing one.
    const statements = await sqliteStatements('0007_starknet_display_address')
    expect(statements).toHaveLength(28)
    expect(statements.filter((s) => s.includes('"secret_hash" blob'))).toHaveLength(3)
    expect(statements.join('\n')).toContain('"seq" integer primary key autoincrement')
    expect(createHash('sha256').update(statements.join('\n')).digest('hex')).toBe(
      '78180b88bfb7e3e7babb08c499299ae3964dc80f7d5fb490a4898514f5034a1f',
    )
  })

  it('invariant: migrations after 0007 only add; 0008 adds the nullable sessions.wallet_check', async () => {
    const all = await sqliteStatements()
    expect(all.slice(0, 28)).toEqual(await sqliteStatements('0007_starknet_display_address'))
    expect(all.slice(28, 29)).toEqual(['alter table "sessions" add column "wallet_check" text'])
  })

  it("invariant: 0009 adds the sweeps' expiry indexes and two nullable columns, nothing else", async () => {
    const all = await sqliteStatements()
    expect(all.slice(29, 34)).toEqual([
      'create index "sessions_expires_at" on "sessions" ("expires_at")',
      'create index "refresh_tokens_expires_at" on "refresh_tokens" ("expires_at")',
      'alter table "refresh_tokens" add column "successor_sealed" blob',
      'create index "refresh_tokens_sealed_used_at" on "refresh_tokens" ("used_at") where "successor_sealed" is not null',
      'alter table "signing_keys" add column "activates_at" bigint',
    ])
  })

  it('invariant: 0010 adds the credential kind (default secret) two nullable public-key and two sealed-secret columns, nothing else', async () => {
    const all = await sqliteStatements()
    expect(all.slice(34)).toEqual([
      `alter table "api_keys" add column "credential" text default 'secret' not null`,
      'alter table "api_keys" add column "public_key" text',
      'alter table "api_keys" add column "previous_public_key" text',
      'alter table "api_keys" add column "sealed_secret" blob',
      'alter table "api_keys" add column "previous_sealed_secret" blob',
    ])
  })

  it('behavior: 0007 gives Stark-key accounts their own address as display address, and touches no other', async () => {
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) })
    try {
      const migrator = new Migrator({ db, provider: migrationProvider('sqlite') })
      expect((await migrator.migrateTo('0006_isolated_accounts')).error).toBeUndefined()
      const account = (id: string, address: string) => ({
        id,
        address_key: `starknet:${id}`,
        address,
        status: 'active',
        created_at: 1,
      })
      const starknet = (id: string, signer_type: string) => ({
        account: id,
        signer_type,
        public_key: '0x1',
        eth_address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
        account_id: id,
        created_at: 1,
      })
      await db
        .insertInto('accounts')
        .values([
          account('0xa', '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'),
          account('0xb', '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'),
          { ...account('uuid-1', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'), address_key: '70997970' },
        ])
        .execute()
      await db
        .insertInto('starknet_accounts')
        .values([starknet('0xa', 'starknet'), starknet('0xb', 'eip191')])
        .execute()

      expect((await migrator.migrateToLatest()).error).toBeUndefined()
      const rows = await db.selectFrom('accounts').select(['id', 'address']).orderBy('id').execute()
      expect(rows).toEqual([
        { id: '0xa', address: '0xa' },
        { id: '0xb', address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' },
        { id: 'uuid-1', address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
      ])
    } finally {
      await db.destroy()
    }
  })
})
