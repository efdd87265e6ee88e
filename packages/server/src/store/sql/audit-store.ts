import type { Kysely } from 'kysely'
import type { AuditEvent, AuditEventType, AuditStore } from '../../core/ports.js'
import type { Database } from './schema.js'

export function createAuditStore(db: Kysely<Database>): AuditStore {
  return {
    async append(event) {
      await db
        .insertInto('audit_events')
        .values({
          at: event.at,
          type: event.type,
          account_id: event.accountId ?? null,
          ip: event.ip ?? null,
          detail: event.detail ? JSON.stringify(event.detail) : null,
        })
        .execute()
    },

    async query({ accountId, since, limit }) {
      let query = db.selectFrom('audit_events').selectAll().orderBy('id').limit(limit)
      if (accountId !== undefined) query = query.where('account_id', '=', accountId)
      if (since !== undefined) query = query.where('at', '>=', since)
      const rows = await query.execute()
      return rows.map((row): AuditEvent & { id: number } => ({
        id: Number(row.id),
        at: Number(row.at),
        type: row.type as AuditEventType,
        ...(row.account_id === null ? {} : { accountId: row.account_id }),
        ...(row.ip === null ? {} : { ip: row.ip }),
        ...(row.detail === null ? {} : { detail: JSON.parse(row.detail) as AuditEvent['detail'] & object }),
      }))
    },
  }
}
