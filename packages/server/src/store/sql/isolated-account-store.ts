import type { Kysely } from 'kysely'
import type { IsolatedAccount, IsolatedAccountStore } from '../../core/ports.js'
import { boundedInsert, type SqlDialectTraits } from './dialect.js'
import type { Database, IsolatedAccountRow } from './schema.js'

const toIsolatedAccount = (row: IsolatedAccountRow): IsolatedAccount => ({
  account: row.account,
  parentAccountId: row.parent_account_id,
  market: row.market,
  createdAt: Number(row.created_at),
})

/**
 * The links of a parent that count: onboarding refuses a linked address, but a link must never
 * make one account act for another, so a row whose address is a main account (however it came to
 * be) is inert, neither listed nor counted against the parent's limit.
 */
const liveLinksOf = (db: Kysely<Database>, parentAccountId: string) =>
  db
    .selectFrom('isolated_accounts')
    .where('parent_account_id', '=', parentAccountId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(selectFrom('accounts').select('id').whereRef('accounts.id', '=', 'isolated_accounts.account')),
      ),
    )

export function createIsolatedAccountStore(
  db: Kysely<Database>,
  traits: SqlDialectTraits,
): IsolatedAccountStore {
  type Add = IsolatedAccountStore['add']
  const add = async (...[input, now, limit, attempt]: [...Parameters<Add>, number]): ReturnType<Add> => {
    const { account, parentAccountId, market } = input
    // One statement: the link goes in only while the parent has room and the address is free
    // (see SqlDialectTraits for what makes it atomic on each dialect). The WHERE is also what
    // SQLite needs to parse ON CONFLICT after INSERT ... SELECT.
    const inserted = await boundedInsert(db, traits, parentAccountId, (executor) =>
      executor
        .insertInto('isolated_accounts')
        .columns(['account', 'parent_account_id', 'market', 'created_at'])
        .expression(
          executor
            .selectNoFrom((eb) => [
              eb.val(account).as('account'),
              eb.val(parentAccountId).as('parent_account_id'),
              eb.val(market).as('market'),
              eb.val(now).as('created_at'),
            ])
            .where(
              () => liveLinksOf(executor, parentAccountId).select((eb) => eb.fn.countAll().as('links')),
              '<',
              limit.maxPerParent,
            ),
        )
        .onConflict((oc) => oc.column('account').doNothing())
        .executeTakeFirst(),
    )
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) {
      return { status: 'added', record: { account, parentAccountId, market, createdAt: now } }
    }
    // Refused: the limit first (as when the service counted before inserting), then the address.
    const { links } = await liveLinksOf(db, parentAccountId)
      .select((eb) => eb.fn.countAll().as('links'))
      .executeTakeFirstOrThrow()
    if (Number(links) >= limit.maxPerParent) return { status: 'limit_reached' }
    const existing = await db
      .selectFrom('isolated_accounts')
      .selectAll()
      .where('account', '=', account)
      .executeTakeFirst()
    if (!existing) {
      // Neither reason holds any more (a link went away in between): try again, a few times.
      return attempt < 3 ? add(input, now, limit, attempt + 1) : { status: 'taken' }
    }
    return existing.parent_account_id === parentAccountId && existing.market === market
      ? { status: 'exists', record: toIsolatedAccount(existing) }
      : { status: 'taken' }
  }

  return {
    add: (input, now, limit) => add(input, now, limit, 1),

    async listByParent(parentAccountId) {
      const rows = await liveLinksOf(db, parentAccountId).selectAll().orderBy('account').execute()
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
