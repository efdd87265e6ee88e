import type { Kysely } from 'kysely'
import type { SigningKeyStore, StoredSigningKey } from '../../core/ports.js'
import type { Database } from './schema.js'

export function createSigningKeyStore(db: Kysely<Database>): SigningKeyStore {
  return {
    async list() {
      const rows = await db.selectFrom('signing_keys').selectAll().orderBy('seq').execute()
      return rows.map(
        (row): StoredSigningKey => ({
          kid: row.kid,
          alg: row.alg,
          publicJwk: row.public_jwk,
          privateJwk: row.private_jwk,
          createdAt: Number(row.created_at),
          ...(row.retired_at === null ? {} : { retiredAt: Number(row.retired_at) }),
        }),
      )
    },

    async activate(key, now) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('signing_keys')
          .set({ retired_at: now })
          .where('retired_at', 'is', null)
          .execute()
        await trx
          .insertInto('signing_keys')
          .values({
            kid: key.kid,
            alg: key.alg,
            public_jwk: key.publicJwk,
            private_jwk: key.privateJwk,
            created_at: key.createdAt,
            retired_at: null,
          })
          .execute()
      })
    },
  }
}
