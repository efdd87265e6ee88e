import type { PostgresPool, PostgresPoolClient } from 'kysely'
import type pg from 'pg'
import { AuthError } from '../../core/errors.js'

/** Socket-level failures: the server is not there, or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
])

/** What `pg` and `pg-pool` say, without a code, when a connection dies or a timeout fires. */
const DRIVER_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'is not queryable',
]

/**
 * Why `error` means PostgreSQL cannot be reached or cannot serve now, in a few words for the log;
 * undefined for everything else. SQLSTATE classes: 08 (connection exception), 53 (insufficient
 * resources, e.g. too many connections), 57P01-57P04 (admin or crash shutdown, starting up,
 * database dropped), 57014 (the statement timed out). A constraint violation, a syntax error or a
 * serialization failure is not an outage: it stays what it was (and a 500 if nobody handles it).
 */
export function outageCause(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined
  const { code } = error as { code?: unknown }
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return `database unreachable (${code})`
    if (/^08[0-9A-Z]{3}$/.test(code)) return `database connection failed (${code})`
    if (/^57P0[1-4]$/.test(code)) return `database shutting down or starting (${code})`
    if (/^53[0-9A-Z]{3}$/.test(code)) return `database out of resources (${code})`
    if (code === '57014') return 'database statement timed out (57014)'
  }
  if (DRIVER_MESSAGES.some((m) => error.message.includes(m)))
    return `database connection lost: ${error.message}`
  // Node's happy-eyeballs connect reports every address's failure at once.
  if (error instanceof AggregateError && error.errors.length > 0) {
    const causes = error.errors.map(outageCause)
    if (causes.every((c) => c !== undefined)) return causes[0]
  }
  return undefined
}

/** `error` as the store reports it: an outage becomes SERVICE_UNAVAILABLE (503), the rest stays. */
export function mapOutage(error: unknown): unknown {
  const cause = outageCause(error)
  return cause === undefined ? error : new AuthError('SERVICE_UNAVAILABLE', cause, { cause: error })
}

/**
 * The pool as Kysely's PostgreSQL driver sees it, with the one place where an outage becomes an
 * AuthError: every statement a store runs (its BEGIN and COMMIT too) goes through `query` here,
 * and every connection through `connect`. A client that failed with an outage is released with
 * its error, so the pool destroys it instead of lending it again; the pool dials new connections
 * on demand, so it serves again, without a restart, once PostgreSQL is back.
 */
export function outageMappingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      let client: pg.PoolClient
      try {
        client = await pool.connect()
      } catch (error) {
        throw mapOutage(error)
      }
      let broken: Error | undefined
      const wrapped: PostgresPoolClient = {
        // Kysely passes SQL text and parameters (no cursors: the stores stream nothing).
        query: ((text: string, parameters: readonly unknown[]) =>
          client.query(text, [...parameters]).catch((error: unknown) => {
            const mapped = mapOutage(error)
            if (mapped !== error) broken = error as Error
            throw mapped
          })) as unknown as PostgresPoolClient['query'],
        release: () => client.release(broken),
      }
      return wrapped
    },
    end: () => pool.end(),
  }
}
