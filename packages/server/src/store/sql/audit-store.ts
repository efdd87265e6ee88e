import type { Kysely } from 'kysely'
import type { AuditEvent, AuditEventType, AuditStore } from '../../core/ports.js'
import type { Database } from './schema.js'

const DELETE_BATCH = 5_000

/** The row of an event (also written by the SQLite adapter's prepared statements). */
export const auditEventRow = (event: AuditEvent) => ({
  at: event.at,
  type: event.type,
  account_id: event.accountId ?? null,
  ip: event.ip ?? null,
  detail: event.detail ? JSON.stringify(event.detail) : null,
})

/** Appends one event through `db` or a transaction (the session store appends a sign-in's in its own). */
export async function appendAuditEvent(db: Kysely<Database>, event: AuditEvent): Promise<void> {
  await db.insertInto('audit_events').values(auditEventRow(event)).execute()
}

export function createAuditStore(db: Kysely<Database>): AuditStore {
  return {
    append: (event) => appendAuditEvent(db, event),

    async query({ accountId, since, until, limit, newestFirst = false }) {
      let query = db.selectFrom('audit_events').selectAll().limit(limit)
      // Newest first walks the (account_id, at) index backwards instead of sorting the account's rows.
      query = newestFirst ? query.orderBy('at', 'desc').orderBy('id', 'desc') : query.orderBy('id')
      if (accountId !== undefined) query = query.where('account_id', '=', accountId)
      if (since !== undefined) query = query.where('at', '>=', since)
      if (until !== undefined) query = query.where('at', '<', until)
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

    async deleteBefore(before) {
      let deleted = 0
      for (;;) {
        // By id in batches (the subquery reads the `at` index): one short write lock each.
        const result = await db
          .deleteFrom('audit_events')
          .where('id', 'in', (eb) =>
            eb.selectFrom('audit_events').select('id').where('at', '<', before).limit(DELETE_BATCH),
          )
          .executeTakeFirst()
        const n = Number(result.numDeletedRows)
        deleted += n
        if (n < DELETE_BATCH) return deleted
      }
    },
  }
}
