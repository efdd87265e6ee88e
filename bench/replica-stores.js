// The stores of a scaled-out replica for the bench's replica rows: a throwaway PostgreSQL database
// (created, migrated, dropped) and Redis, keys under the bench's `sigil-bench:` prefix (removed).
// Absent when either does not answer: the rows are then skipped, and the run says so.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import Redis from 'ioredis'
import pg from 'pg'
import { thisRoot } from './sigil-server.js'

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test'
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

/** `{ databaseUrl, redisUrl, close() }`, or `{ missing: reason }`. */
export async function openReplicaStores({ postgresUrl, redisUrl }) {
  const name = `sigil_bench_${process.pid}`
  const admin = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 })
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 })
  redis.on('error', () => {})
  try {
    await admin.connect()
  } catch (error) {
    return { missing: `PostgreSQL at ${postgresUrl}: ${error.message}` }
  }
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    await admin.end()
    redis.disconnect()
    return { missing: `Redis at ${redisUrl}: ${error.message}` }
  }
  await admin.query(`CREATE DATABASE ${name}`)
  const database = new URL(postgresUrl)
  database.pathname = `/${name}`
  const databaseUrl = database.toString()
  const close = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'sigil-bench:*', 'COUNT', 1000)
      if (keys.length > 0) await redis.del(...keys)
      cursor = next
    } while (cursor !== '0')
    redis.disconnect()
  }
  try {
    execFileSync(process.execPath, [join(thisRoot, 'packages/server/bin/sigil.js'), 'migrate'], {
      env: { PATH: process.env.PATH, SIGIL_DATABASE_URL: databaseUrl },
      stdio: 'ignore',
    })
  } catch (error) {
    await close()
    throw error
  }
  return { databaseUrl, redisUrl, close }
}
