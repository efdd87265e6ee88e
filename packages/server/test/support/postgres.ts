import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { openPostgresStores } from '../../src/store/postgres/open-postgres-stores.js'

const run = promisify(execFile)

/**
 * The PostgreSQL server the tests make their databases on: a superuser (or CREATEDB) connection.
 * CI points `SIGIL_TEST_POSTGRES_URL` elsewhere; the default is this machine's server (trust auth).
 */
export const postgresAdminUrl = () =>
  process.env.SIGIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** `url` with its database name replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 5_000 })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(
      `the PostgreSQL tests need a server: none at SIGIL_TEST_POSTGRES_URL (${postgresAdminUrl()}): ${(error as Error).message}`,
      { cause: error },
    )
  }
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** A new empty database `sigil_t_<random>` on the admin server; `drop()` removes it (WITH FORCE). */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sigil_t_${randomBytes(6).toString('hex')}`
  await withAdmin((admin) => admin.query(`create database ${name}`))
  return {
    url: withDatabase(postgresAdminUrl(), name),
    drop: () =>
      withAdmin((admin) => admin.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  }
}

/**
 * A PostgreSQL database the tests of a `describe` (or file) share: created and migrated in a
 * `beforeAll`, dropped in an `afterAll`. The returned function gives its URL while the suite runs.
 */
export function usePostgresDatabase(): () => string {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined
  beforeAll(async () => {
    database = await createPostgresDatabase()
    const stores = await openPostgresStores(database.url, { poolMax: 1, migrate: true })
    await stores.close()
  }, 30_000)
  afterAll(async () => {
    await database?.drop()
    database = undefined
  })
  return () => {
    if (!database) throw new Error('usePostgresDatabase(): the database exists only while its suite runs')
    return database.url
  }
}

/** A free TCP port on 127.0.0.1 (free when asked; nothing holds it afterwards). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** The folder holding `initdb` and `pg_ctl`, if this machine has them. */
function postgresBinDir(): string | undefined {
  const candidates = ['/usr/local/bin']
  if (existsSync('/usr/lib/postgresql'))
    for (const version of readdirSync('/usr/lib/postgresql').sort().reverse())
      candidates.push(`/usr/lib/postgresql/${version}/bin`)
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')))
}

const isRoot = () => userInfo().uid === 0
const runuser = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((path) => existsSync(path))

/**
 * Why a private cluster cannot be started here, or undefined when it can: `initdb` and `pg_ctl`
 * are needed, and as root (they refuse to run as root) `runuser` and a `postgres` OS user.
 */
export function privateClusterUnavailable(): string | undefined {
  if (!postgresBinDir()) return 'no initdb/pg_ctl in /usr/local/bin or /usr/lib/postgresql/*/bin'
  if (isRoot() && !runuser) return 'running as root and no runuser to run initdb as the postgres user'
  if (isRoot() && !postgresUser()) return 'running as root and no postgres OS user to run initdb as'
  return undefined
}

/** uid and gid of the `postgres` OS user, if there is one. */
function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
    return { uid: id('-u'), gid: id('-g') }
  } catch {
    return undefined
  }
}

export interface PrivateCluster {
  url: string
  port: number
  /** Whether it was started and not stopped since. */
  readonly running: boolean
  start(): Promise<void>
  stop(): Promise<void>
  /** Stops it if running and removes its folder. */
  destroy(): Promise<void>
}

/**
 * A throwaway PostgreSQL cluster of the test's own (initdb into a temp folder, a free port, trust
 * auth, socket in its folder), which the test may stop and start: an outage without touching the
 * machine's server. As root, its programs run as the `postgres` OS user, who owns the folder.
 */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const reason = privateClusterUnavailable()
  if (reason) throw new Error(`cannot start a private PostgreSQL cluster: ${reason}`)
  const bin = postgresBinDir()!
  const dir = mkdtempSync(join(tmpdir(), 'sigil-pg-'))
  const asPostgres = (program: string, args: string[]) =>
    isRoot()
      ? run(runuser!, ['-u', 'postgres', '--', join(bin, program), ...args])
      : run(join(bin, program), args)
  if (isRoot()) {
    const { uid, gid } = postgresUser()!
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'data')
  const port = await freePort()
  let running = false
  const cluster: PrivateCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    get running() {
      return running
    },
    async start() {
      await asPostgres('pg_ctl', [
        '-D',
        data,
        '-l',
        join(dir, 'log'),
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
        '-w',
        'start',
      ])
      running = true
    },
    async stop() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])
      running = false
    },
    async destroy() {
      try {
        if (running) await cluster.stop()
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
  try {
    await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
    await cluster.start()
  } catch (error) {
    await cluster.destroy()
    throw error
  }
  return cluster
}
