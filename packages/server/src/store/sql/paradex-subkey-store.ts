import type { Kysely, Updateable } from 'kysely'
import type { ParadexSubkey, ParadexSubkeyStore } from '../../core/ports.js'
import { boundedInsert, type SqlDialectTraits } from './dialect.js'
import type { Database, ParadexSubkeyRow } from './schema.js'

const toSubkey = (row: ParadexSubkeyRow): ParadexSubkey => ({
  id: row.id,
  accountId: row.account_id,
  publicKey: row.public_key,
  name: row.name,
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
  ...(row.revoked_at === null ? {} : { revokedAt: Number(row.revoked_at) }),
})

const activeOf = (db: Kysely<Database>, accountId: string) =>
  db.selectFrom('paradex_subkeys').where('account_id', '=', accountId).where('revoked_at', 'is', null)

/** Paradex subkeys (core/paradex/paradex-subkeys.ts): one table, the same queries on every dialect. */
export function createParadexSubkeyStore(db: Kysely<Database>, traits: SqlDialectTraits): ParadexSubkeyStore {
  /**
   * Updates the account's live row of `publicKey`, if there is one; the updated subkey. Conditional
   * on `revoked_at is null`: of racing revocations one matches the live row.
   */
  const updateLive = async (
    accountId: string,
    publicKey: string,
    set: Updateable<Database['paradex_subkeys']>,
  ) => {
    const row = await db
      .updateTable('paradex_subkeys')
      .set(set)
      .where('account_id', '=', accountId)
      .where('public_key', '=', publicKey)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst()
    return row && toSubkey(row)
  }

  return {
    async insert(subkey, { maxActivePerAccount }) {
      const { accountId, publicKey } = subkey
      // One statement: the row goes in only while the account has room and no live row has this
      // key (see SqlDialectTraits for what makes it atomic on each dialect).
      const inserted = await boundedInsert(db, traits, accountId, (executor) =>
        executor
          .insertInto('paradex_subkeys')
          .columns(['id', 'account_id', 'public_key', 'name', 'created_at', 'updated_at'])
          .expression(
            executor
              .selectNoFrom((eb) => [
                eb.val(subkey.id).as('id'),
                eb.val(accountId).as('account_id'),
                eb.val(publicKey).as('public_key'),
                eb.val(subkey.name).as('name'),
                eb.val(subkey.createdAt).as('created_at'),
                eb.val(subkey.updatedAt).as('updated_at'),
              ])
              .where(
                () => activeOf(executor, accountId).select((eb) => eb.fn.countAll().as('n')),
                '<',
                maxActivePerAccount,
              )
              .where(({ not, exists }) =>
                not(exists(activeOf(executor, accountId).select('id').where('public_key', '=', publicKey))),
              ),
          )
          .executeTakeFirst(),
      )
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return 'inserted'
      // Refused: the limit first, then the duplicate (read after the refusal, not with it).
      const { n } = await activeOf(db, accountId)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
      return Number(n) >= maxActivePerAccount ? 'limit_reached' : 'exists'
    },

    async findActive(accountId, publicKey) {
      const row = await activeOf(db, accountId)
        .selectAll()
        .where('public_key', '=', publicKey)
        .executeTakeFirst()
      return row && toSubkey(row)
    },

    async findById(id) {
      const row = await db.selectFrom('paradex_subkeys').selectAll().where('id', '=', id).executeTakeFirst()
      return row && toSubkey(row)
    },

    async listOfAccount(accountId, { withRevoked }) {
      let query = db.selectFrom('paradex_subkeys').selectAll().where('account_id', '=', accountId)
      if (!withRevoked) query = query.where('revoked_at', 'is', null)
      const rows = await query.orderBy('created_at').orderBy('id').execute()
      return rows.map(toSubkey)
    },

    rename: (accountId, publicKey, name, now) => updateLive(accountId, publicKey, { name, updated_at: now }),

    revoke: (accountId, publicKey, now) =>
      updateLive(accountId, publicKey, { revoked_at: now, updated_at: now }),

    async listRevokedSince(since) {
      const rows = await db
        .selectFrom('paradex_subkeys')
        .select(['id', 'revoked_at'])
        .where('revoked_at', '>=', since)
        .execute()
      return rows.map((row) => ({ id: row.id, revokedAt: Number(row.revoked_at) }))
    },
  }
}
