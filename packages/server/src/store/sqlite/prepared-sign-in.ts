import { randomUUID } from 'node:crypto'
import type BetterSqlite3 from 'better-sqlite3'
import type { AccountStore, AuditEvent, RefreshToken, Session, SessionStore } from '../../core/ports.js'
import { toAccount } from '../sql/account-store.js'
import { auditEventRow } from '../sql/audit-store.js'
import type { AccountRow } from '../sql/schema.js'
import { refreshTokenRow, sessionRow } from '../sql/session-store.js'
import type { OnConnection } from './connection-gate.js'
import { groupCommit } from './group-commit.js'

/**
 * The statements every sign-in runs (find the account, then one transaction: session, refresh
 * token, audit event; group-committed with the sign-ins of the same turn of the event loop),
 * prepared once on the raw better-sqlite3 connection. Through Kysely each
 * call rebuilt and compiled its query and went through a chain of promises per statement; the
 * SQL is the same as the Kysely stores' (`store/sql/`), which stay for everything else and for
 * PostgreSQL, and the same conformance suite runs over both.
 */
export function preparedSignIn(sqlite: BetterSqlite3.Database, onConnection: OnConnection) {
  const accountColumns = 'id, address_key, address, status, created_at'
  const accountByKey = sqlite.prepare<[string], AccountRow>(
    `select ${accountColumns} from accounts where address_key = ?`,
  )
  const accountById = sqlite.prepare<[string], AccountRow>(
    `select ${accountColumns} from accounts where id = ?`,
  )
  // Insert-or-ignore then read: a racing first sign-in in another process ends in the same account.
  const insertAccount = sqlite.prepare(
    'insert into accounts (id, address_key, address, status, created_at) values (?, ?, ?, ?, ?) ' +
      'on conflict (address_key) do nothing',
  )
  const insertSession = sqlite.prepare(
    'insert into sessions (id, account_id, kind, created_at, expires_at, last_used_at, revoked_at, ip, ' +
      'user_agent, secret_hash, wallet_check) values (@id, @account_id, @kind, @created_at, @expires_at, ' +
      '@last_used_at, @revoked_at, @ip, @user_agent, @secret_hash, @wallet_check)',
  )
  const insertRefreshToken = sqlite.prepare(
    'insert into refresh_tokens (id, session_id, secret_hash, created_at, expires_at, used_at, ' +
      'successor_sealed) values (@id, @session_id, @secret_hash, @created_at, @expires_at, @used_at, ' +
      '@successor_sealed)',
  )
  const insertAuditEvent = sqlite.prepare(
    'insert into audit_events (at, type, account_id, ip, detail) values (@at, @type, @account_id, @ip, @detail)',
  )
  // Inside a transaction (one per group of sign-ins): all three rows or none.
  const createSession = groupCommit(
    sqlite,
    onConnection,
    ({ session, token, event }: { session: Session; token?: RefreshToken; event?: AuditEvent }) => {
      insertSession.run(sessionRow(session))
      if (token) insertRefreshToken.run(refreshTokenRow(token))
      if (event) insertAuditEvent.run(auditEventRow(event))
    },
  )

  const accounts: Pick<AccountStore, 'findOrCreateByAddress' | 'findById'> = {
    findOrCreateByAddress: (address, now, statusIfNew) =>
      onConnection(() => {
        const addressKey = address.toLowerCase()
        let row = accountByKey.get(addressKey)
        if (!row) {
          insertAccount.run(randomUUID(), addressKey, address, statusIfNew, now)
          row = accountByKey.get(addressKey)
          if (!row) throw new Error('account vanished after insert')
        }
        return toAccount(row)
      }),
    findById: (id) =>
      onConnection(() => {
        const row = accountById.get(id)
        return row && toAccount(row)
      }),
  }
  const sessions: Pick<SessionStore, 'create'> = {
    create: (session, token, event) =>
      createSession({ session, ...(token ? { token } : {}), ...(event ? { event } : {}) }),
  }
  return { accounts, sessions }
}
