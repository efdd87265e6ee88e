import type { Kysely } from 'kysely'
import type { SigningKeyStore, StoredSigningKey } from '../../core/ports.js'
import { lockTableForWrites, type SqlDialectTraits } from './dialect.js'
import type { Database } from './schema.js'

/**
 * The signing-key ring. Activation retires every active key and inserts the new one in one
 * transaction that first excludes other writers of the table (PostgreSQL: `LOCK TABLE signing_keys
 * IN EXCLUSIVE MODE`, see SqlDialectTraits.tableLock): of two racing activations the second runs
 * after the first committed, and its retiring UPDATE sees the key the first inserted, so exactly
 * one key is active after both. Plain reads (`list`) do not wait on the lock.
 */
export function createSigningKeyStore(db: Kysely<Database>, traits: SqlDialectTraits): SigningKeyStore {
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
          ...(row.activates_at === null ? {} : { activatesAt: Number(row.activates_at) }),
        }),
      )
    },

    async activate(key, at) {
      await db.transaction().execute(async (trx) => {
        await lockTableForWrites(trx, traits, 'signing_keys')
        // Whatever would still sign at `at` stops then, so signing intervals never overlap.
        await trx
          .updateTable('signing_keys')
          .set({ retired_at: at })
          .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', at)]))
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
            activates_at: at > key.createdAt ? at : null,
          })
          .execute()
      })
    },
  }
}
