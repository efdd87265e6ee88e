import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Account, AccountStore, Address } from '../../core/ports.js'
import type { AccountStatus } from '../../core/scopes.js'
import type { AccountRow, Database } from './schema.js'

export const toAccount = (row: AccountRow): Account => ({
  id: row.id,
  address: row.address as Address,
  status: row.status as AccountStatus,
  createdAt: Number(row.created_at),
})

export function createAccountStore(db: Kysely<Database>): AccountStore {
  return {
    async findOrCreateByAddress(address, now, statusIfNew) {
      const addressKey = address.toLowerCase()
      // Returning wallets (the common case) cost one indexed read and no write transaction.
      const existing = await db
        .selectFrom('accounts')
        .selectAll()
        .where('address_key', '=', addressKey)
        .executeTakeFirst()
      if (existing) return toAccount(existing)
      // Insert-or-ignore then read: two first sign-ins of one wallet racing end in one account.
      await db
        .insertInto('accounts')
        .values({ id: randomUUID(), address_key: addressKey, address, status: statusIfNew, created_at: now })
        .onConflict((oc) => oc.column('address_key').doNothing())
        .execute()
      const row = await db
        .selectFrom('accounts')
        .selectAll()
        .where('address_key', '=', addressKey)
        .executeTakeFirstOrThrow()
      return toAccount(row)
    },

    async findByAddress(address) {
      const row = await db
        .selectFrom('accounts')
        .selectAll()
        .where('address_key', '=', address.toLowerCase())
        .executeTakeFirst()
      return row && toAccount(row)
    },

    async findById(id) {
      const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst()
      return row && toAccount(row)
    },
  }
}
