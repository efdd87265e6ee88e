import type { ExpressionBuilder, Kysely } from 'kysely'
import type { ContractWalletCheck, RefreshToken, Session, SessionStore } from '../../core/ports.js'
import { appendAuditEvent } from './audit-store.js'
import type { Database, RefreshTokenRow, SessionRow } from './schema.js'

const toSession = (row: SessionRow): Session => ({
  id: row.id,
  accountId: row.account_id,
  kind: row.kind as Session['kind'],
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
  lastUsedAt: Number(row.last_used_at),
  ...(row.revoked_at === null ? {} : { revokedAt: Number(row.revoked_at) }),
  ...(row.ip === null ? {} : { ip: row.ip }),
  ...(row.user_agent === null ? {} : { userAgent: row.user_agent }),
  ...(row.secret_hash === null ? {} : { secretHash: new Uint8Array(row.secret_hash) }),
  ...(row.wallet_check === null ? {} : { contractWallet: parseWalletCheck(row.wallet_check) }),
})

const walletCheckColumn = (check: ContractWalletCheck): string =>
  JSON.stringify({
    chainId: check.chainId,
    address: check.address,
    hash: check.hash,
    signature: check.signature,
  })

const parseWalletCheck = (text: string): ContractWalletCheck => {
  const { chainId, address, hash, signature } = JSON.parse(text) as ContractWalletCheck
  return { chainId, address, hash, signature }
}

const toRefreshToken = (row: RefreshTokenRow): RefreshToken => ({
  id: row.id,
  sessionId: row.session_id,
  secretHash: new Uint8Array(row.secret_hash),
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
  ...(row.used_at === null ? {} : { usedAt: Number(row.used_at) }),
  ...(row.successor_sealed === null ? {} : { successorSealed: new Uint8Array(row.successor_sealed) }),
})

/** The row of a new session (also written by the SQLite adapter's prepared statements). */
export const sessionRow = (session: Session): SessionRow => ({
  id: session.id,
  account_id: session.accountId,
  kind: session.kind,
  created_at: session.createdAt,
  expires_at: session.expiresAt,
  last_used_at: session.lastUsedAt,
  revoked_at: null,
  ip: session.ip ?? null,
  user_agent: session.userAgent ?? null,
  secret_hash: session.secretHash ?? null,
  wallet_check: session.contractWallet ? walletCheckColumn(session.contractWallet) : null,
})

export const refreshTokenRow = (token: RefreshToken): RefreshTokenRow => ({
  id: token.id,
  session_id: token.sessionId,
  secret_hash: token.secretHash,
  created_at: token.createdAt,
  expires_at: token.expiresAt,
  used_at: token.usedAt ?? null,
  successor_sealed: token.successorSealed ?? null,
})

/**
 * Sessions and their refresh-token families. Every race is settled by conditional UPDATEs, which
 * hold on SQLite (one writer) and on PostgreSQL at READ COMMITTED alike: an UPDATE that waited on
 * a row lock re-checks its WHERE on the row's newest version. Rotation marks the token used
 * (`used_at IS NULL`, so one of N racers matches; the others see `already_used`, and the service
 * revokes the family) and then touches the session only if it is still active, which locks the
 * session row: a racing `revoke` either waits for the rotation to commit or makes it find the
 * session inactive. Locks are taken token first, session second, also by `deleteEndedBefore`, so
 * the two never wait on each other in a cycle.
 */
export function createSessionStore(db: Kysely<Database>): SessionStore {
  return {
    async create(session, refreshToken, event) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('sessions').values(sessionRow(session)).execute()
        if (refreshToken)
          await trx.insertInto('refresh_tokens').values(refreshTokenRow(refreshToken)).execute()
        if (event) await appendAuditEvent(trx, event)
      })
    },

    async find(sessionId) {
      const row = await db.selectFrom('sessions').selectAll().where('id', '=', sessionId).executeTakeFirst()
      return row && toSession(row)
    },

    async findRefreshToken(id) {
      const token = await db.selectFrom('refresh_tokens').selectAll().where('id', '=', id).executeTakeFirst()
      if (!token) return undefined
      // A second statement: the session may have been deleted (housekeeping) in between, and then
      // the token is as good as unknown.
      const session = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id', '=', token.session_id)
        .executeTakeFirst()
      if (!session) return undefined
      return { token: toRefreshToken(token), session: toSession(session) }
    },

    async rotateRefreshToken(usedId, next, now, successorSealed) {
      return db.transaction().execute(async (trx) => {
        // The sealed successor lands with `used_at`: whoever sees the token used can see it too.
        const used = await trx
          .updateTable('refresh_tokens')
          .set({ used_at: now, successor_sealed: successorSealed ?? null })
          .where('id', '=', usedId)
          .where('used_at', 'is', null)
          .executeTakeFirst()
        if (Number(used.numUpdatedRows) !== 1) return 'already_used' as const
        // Checked inside the same transaction as the issuance, so a family revoked a moment ago
        // (reuse detected on another request) can never hand out a new descendant.
        const touched = await trx
          .updateTable('sessions')
          .set({ last_used_at: now })
          .where('id', '=', next.sessionId)
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', now)
          .executeTakeFirst()
        if (Number(touched.numUpdatedRows) !== 1) return 'session_inactive' as const
        await trx.insertInto('refresh_tokens').values(refreshTokenRow(next)).execute()
        return 'rotated' as const
      })
    },

    async forgetSuccessorsUsedBefore(before) {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ successor_sealed: null })
        .where('successor_sealed', 'is not', null)
        .where('used_at', '<', before)
        .executeTakeFirst()
      return Number(result.numUpdatedRows)
    },

    async revoke(sessionId, now) {
      const result = await db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('id', '=', sessionId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },

    async revokeAllOfAccount(accountId, now) {
      const rows = await db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('account_id', '=', accountId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute()
      return rows.map((r) => r.id)
    },

    async listRevokedSince(since) {
      const rows = await db
        .selectFrom('sessions')
        .select(['id', 'revoked_at'])
        .where('revoked_at', '>=', since)
        .execute()
      return rows.map((r) => ({ id: r.id, revokedAt: Number(r.revoked_at) }))
    },

    async deleteEndedBefore(before) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('refresh_tokens').where('expires_at', '<', before).execute()
        const ended = (eb: ExpressionBuilder<Database, 'sessions'>) =>
          eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)])
        await trx
          .deleteFrom('refresh_tokens')
          .where('session_id', 'in', trx.selectFrom('sessions').select('id').where(ended))
          .execute()
        const result = await trx.deleteFrom('sessions').where(ended).executeTakeFirst()
        return Number(result.numDeletedRows)
      })
    },

    async listActiveOfAccount(accountId, now) {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .execute()
      return rows.map(toSession)
    },

    async touch(sessionId, now, expiresAt) {
      await db
        .updateTable('sessions')
        .set(expiresAt === undefined ? { last_used_at: now } : { last_used_at: now, expires_at: expiresAt })
        .where('id', '=', sessionId)
        .where('revoked_at', 'is', null)
        .execute()
    },
  }
}
