import type { Kysely } from 'kysely'
import type { SignatureUseStore } from '../../core/ports.js'
import type { Database } from './schema.js'

/**
 * One row per signed message exchanged for a token. The claim is a single statement (insert, or
 * take over a row whose use has expired), so two replicas racing on one message get one winner.
 */
export function createSignatureUseStore(db: Kysely<Database>): SignatureUseStore {
  return {
    async claim(key, expiresAt, now) {
      const result = await db
        .insertInto('signature_uses')
        .values({ key, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({ expires_at: expiresAt })
            .where('signature_uses.expires_at', '<=', now),
        )
        .executeTakeFirst()
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1
    },

    async deleteExpired(now) {
      const result = await db.deleteFrom('signature_uses').where('expires_at', '<=', now).executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
