import type { Kysely } from 'kysely'
import type { IsolatedAccount, IsolatedAccountStore } from '../../core/ports.js'
import type { Database, IsolatedAccountRow } from './schema.js'

const toIsolatedAccount = (row: IsolatedAccountRow): IsolatedAccount => ({
  account: row.account,
  parentAccountId: row.parent_account_id,
  market: row.market,
  createdAt: Number(row.created_at),
})

export function createIsolatedAccountStore(db: Kysely<Database>): IsolatedAccountStore {
  return {
    async add({ account, parentAccountId, market }, now) {
      const inserted = await db
        .insertInto('isolated_accounts')
        .values({ account, parent_account_id: parentAccountId, market, created_at: now })
        .onConflict((oc) => oc.column('account').doNothing())
        .executeTakeFirst()
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) {
        return { status: 'added', record: { account, parentAccountId, market, createdAt: now } }
      }
      const existing = await db
        .selectFrom('isolated_accounts')
        .selectAll()
        .where('account', '=', account)
        .executeTakeFirst()
      return existing?.parent_account_id === parentAccountId && existing.market === market
        ? { status: 'exists', record: toIsolatedAccount(existing) }
        : { status: 'taken' }
    },

    async listByParent(parentAccountId) {
      const rows = await db
        .selectFrom('isolated_accounts')
        .selectAll()
        .where('parent_account_id', '=', parentAccountId)
        // Onboarding refuses a linked address, but a link must never make one account act for
        // another: a row whose address is a main account (however it came to be) is left out.
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('accounts').select('id').whereRef('accounts.id', '=', 'isolated_accounts.account'),
            ),
          ),
        )
        .orderBy('account')
        .execute()
      return rows.map(toIsolatedAccount)
    },

    async remove(account) {
      const result = await db
        .deleteFrom('isolated_accounts')
        .where('account', '=', account)
        .executeTakeFirst()
      return Number(result.numDeletedRows) === 1
    },
  }
}
