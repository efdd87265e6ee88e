import { spawn } from 'node:child_process'
import { join } from 'node:path'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { openStores } from '../../src/store/open-stores.js'
import { openPostgresStores } from '../../src/store/postgres/open-postgres-stores.js'
import { migrationNames } from '../../src/store/sql/migrations.js'
import { createPostgresDatabase } from '../support/postgres.js'
import { tempDir } from '../support/temp-dir.js'

const BIN = new URL('../../bin/sigil.js', import.meta.url).pathname

/** The `sigil` bin as the operator runs it (compiled: `tsc -b` first), with only this database. */
function sigil(databaseUrl: string, ...args: string[]) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: {
        PATH: process.env.PATH,
        SIGIL_DATABASE_URL: databaseUrl,
        SIGIL_LOG_LEVEL: 'silent',
        SIGIL_PORT: '0',
        SIGIL_PUBLIC_URL: 'http://localhost:1',
      },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

/** The schema version on PostgreSQL: applied by `sigil migrate` only, checked by everything else. */
describe('PostgreSQL schema: sigil migrate, and the check at start', () => {
  const drops: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const drop of drops.splice(0)) await drop()
  })
  const database = async () => {
    const created = await createPostgresDatabase()
    drops.push(created.drop)
    return created.url
  }

  it('behavior: serve refuses an unmigrated database naming `sigil migrate`; migrate applies all, once', async () => {
    const url = await database()
    await expect(openStores(url)).rejects.toThrow(/pending migration.*sigil migrate/s)
    const refused = await sigil(url, 'serve')
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/not up to date.*`sigil migrate`/s)

    const first = await sigil(url, 'migrate')
    expect(first.status, first.stderr).toBe(0)
    expect(first.stdout).toContain(
      migrationNames()
        .map((name) => `applied ${name}`)
        .join('\n'),
    )
    expect(first.stdout).toContain(`${migrationNames().length} migration(s) applied`)
    const again = await sigil(url, 'migrate')
    expect(again.status, again.stderr).toBe(0)
    expect(again.stdout).not.toContain('applied 0')
    expect(again.stdout).toContain('schema up to date, nothing to apply')

    const stores = await openStores(url, { poolMax: 2 })
    try {
      expect(
        (await stores.accounts.findOrCreateByAddress(`0x${'a'.repeat(40)}`, 1, 'active')).createdAt,
      ).toBe(1)
    } finally {
      await stores.close()
    }
  })

  it('behavior: a database with a migration this code does not know (a newer schema) is refused', async () => {
    const url = await database()
    await (await openPostgresStores(url, { poolMax: 1, migrate: true })).close()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(
        `insert into kysely_migration (name, timestamp) values ('9999_from_the_future', now()::text)`,
      )
    } finally {
      await client.end()
    }
    await expect(openStores(url)).rejects.toThrow(/newer than this Sigil.*9999_from_the_future/s)
    const migrate = await sigil(url, 'migrate')
    expect(migrate.status).toBe(1)
    expect(migrate.stderr).toMatch(/9999_from_the_future/)
  })

  it('behavior: a half-migrated database is refused too', async () => {
    const url = await database()
    await (await openPostgresStores(url, { poolMax: 1, migrate: true })).close()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(`delete from kysely_migration where name = '0007_starknet_display_address'`)
    } finally {
      await client.end()
    }
    await expect(openStores(url)).rejects.toThrow(
      /1 pending migration\(s\) \(0007_starknet_display_address\)/,
    )
  })

  it('behavior: on SQLite migrate applies and is idempotent (serve migrates at start as before)', async () => {
    const url = `sqlite:${join(tempDir('sigil-migrate-'), 'sigil.db')}`
    const first = await sigil(url, 'migrate')
    expect(first.status, first.stderr).toBe(0)
    expect(first.stdout).toContain('applied 0001_foundation')
    const again = await sigil(url, 'migrate')
    expect(again.stdout).toContain('nothing to apply')
  })

  it('behavior: int8 comes back as a number through the stores, and the global pg parsers are untouched', async () => {
    const url = await database()
    const stores = await openPostgresStores(url, { poolMax: 1, migrate: true })
    try {
      const at = Date.UTC(2030, 0, 1)
      const account = await stores.accounts.findOrCreateByAddress(`0x${'b'.repeat(40)}`, at, 'active')
      expect((await stores.accounts.findById(account.id))!.createdAt).toBe(at)
      const raw = await stores.db.selectFrom('accounts').select('created_at').executeTakeFirstOrThrow()
      expect(raw.created_at).toBe(at)
    } finally {
      await stores.close()
    }
    expect(pg.types.getTypeParser(20, 'text')('12')).toBe('12')
  })

  it('behavior: openStores picks the adapter by scheme and names the ones it knows', async () => {
    await expect(openStores('mysql://x@y/z')).rejects.toThrow(/sqlite:, postgres:\/\/, postgresql:\/\//)
    const url = (await database()).replace(/^postgres:/, 'postgresql:')
    await expect(openStores(url)).rejects.toThrow(/sigil migrate/)
  })
})
