import type { Kysely } from 'kysely'
import type { ApiKey, ApiKeyStore } from '../../core/ports.js'
import type { ApiKeyScope } from '../../core/scopes.js'
import type { ApiKeyRow, Database } from './schema.js'

const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  accountId: row.account_id,
  name: row.name,
  scope: row.scope as ApiKeyScope,
  secretHash: new Uint8Array(row.secret_hash),
  secretTail: row.secret_tail,
  allowedIps: JSON.parse(row.allowed_ips) as string[],
  createdAt: Number(row.created_at),
  ...(row.previous_secret_hash === null
    ? {}
    : { previousSecretHash: new Uint8Array(row.previous_secret_hash) }),
  ...(row.previous_expires_at === null ? {} : { previousExpiresAt: Number(row.previous_expires_at) }),
  ...(row.expires_at === null ? {} : { expiresAt: Number(row.expires_at) }),
  ...(row.revoked_at === null ? {} : { revokedAt: Number(row.revoked_at) }),
  ...(row.last_used_at === null ? {} : { lastUsedAt: Number(row.last_used_at) }),
  ...(row.last_used_ip === null ? {} : { lastUsedIp: row.last_used_ip }),
})

export function createApiKeyStore(db: Kysely<Database>): ApiKeyStore {
  return {
    async insert(key) {
      await db
        .insertInto('api_keys')
        .values({
          id: key.id,
          account_id: key.accountId,
          name: key.name,
          scope: key.scope,
          secret_hash: key.secretHash,
          previous_secret_hash: null,
          previous_expires_at: null,
          secret_tail: key.secretTail,
          allowed_ips: JSON.stringify(key.allowedIps),
          created_at: key.createdAt,
          expires_at: key.expiresAt ?? null,
          revoked_at: null,
          last_used_at: null,
          last_used_ip: null,
        })
        .execute()
    },

    async findById(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
      return row && toApiKey(row)
    },

    async listOfAccount(accountId) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at', 'desc')
        .execute()
      return rows.map(toApiKey)
    },

    async revoke(id, accountId, now) {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: now, previous_secret_hash: null, previous_expires_at: null })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },

    async replaceSecret(id, accountId, next, now) {
      return db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('api_keys')
          .select('secret_hash')
          .where('id', '=', id)
          .where('account_id', '=', accountId)
          .where('revoked_at', 'is', null)
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
          .executeTakeFirst()
        if (!current) return false
        const graceful = next.previousExpiresAt > now
        await trx
          .updateTable('api_keys')
          .set({
            secret_hash: next.secretHash,
            secret_tail: next.secretTail,
            previous_secret_hash: graceful ? current.secret_hash : null,
            previous_expires_at: graceful ? next.previousExpiresAt : null,
          })
          .where('id', '=', id)
          .execute()
        return true
      })
    },

    async recordUse(id, now, ip) {
      await db
        .updateTable('api_keys')
        .set({ last_used_at: now, last_used_ip: ip })
        .where('id', '=', id)
        .execute()
    },
  }
}
