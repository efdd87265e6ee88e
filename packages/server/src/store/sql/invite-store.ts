import type { Kysely } from 'kysely'
import type { InviteStore } from '../../core/ports.js'
import type { SqlDialectTraits } from './dialect.js'
import type { Database } from './schema.js'

/**
 * Invite codes. A redemption is one transaction: read the account's status (locked on
 * PostgreSQL: `FOR NO KEY UPDATE`, see SqlDialectTraits.rowLock), take one use of the code with
 * a conditional UPDATE (`uses < max_uses`, re-checked on the newest row by a racer that waited),
 * activate the account. Racers for one code's last use: one UPDATE matches. Racers for one
 * account: they queue on its row, and the later ones read `active` and take no use.
 */
export function createInviteStore(db: Kysely<Database>, traits: SqlDialectTraits): InviteStore {
  return {
    async insert(invite) {
      await db
        .insertInto('invites')
        .values({
          code_hash: invite.codeHash,
          max_uses: invite.maxUses,
          uses: invite.uses,
          created_at: invite.createdAt,
          expires_at: invite.expiresAt ?? null,
        })
        .execute()
    },

    async redeem(codeHash, accountId, now) {
      return db.transaction().execute(async (trx) => {
        const read = trx.selectFrom('accounts').select('status').where('id', '=', accountId)
        const account = await (traits.rowLock === 'for-no-key-update'
          ? read.forNoKeyUpdate()
          : read
        ).executeTakeFirst()
        if (!account || account.status === 'active') return 'already_active' as const
        // The conditional UPDATE is the race: a code with one use left is taken exactly once.
        const taken = await trx
          .updateTable('invites')
          .set((eb) => ({ uses: eb('uses', '+', 1) }))
          .where('code_hash', '=', codeHash)
          .where((eb) => eb('uses', '<', eb.ref('max_uses')))
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
          .executeTakeFirst()
        if (Number(taken.numUpdatedRows) !== 1) return 'invalid' as const
        await trx.updateTable('accounts').set({ status: 'active' }).where('id', '=', accountId).execute()
        return 'redeemed' as const
      })
    },
  }
}
