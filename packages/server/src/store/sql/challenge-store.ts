import type { Kysely } from 'kysely'
import type { Address, Challenge, ChallengeStore } from '../../core/ports.js'
import type { ChallengeRow, Database } from './schema.js'

const toChallenge = (row: ChallengeRow): Challenge => ({
  nonce: row.nonce,
  purpose: row.purpose,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
  ...(row.address ? { address: row.address as Address } : {}),
})

export function createChallengeStore(db: Kysely<Database>): ChallengeStore {
  return {
    async insert(challenge) {
      await db
        .insertInto('challenges')
        .values({
          nonce: challenge.nonce,
          purpose: challenge.purpose,
          address: challenge.address ?? null,
          created_at: challenge.createdAt,
          expires_at: challenge.expiresAt,
          used_at: null,
        })
        .execute()
    },

    async consume(nonce, { purpose, address, now }) {
      // One conditional UPDATE is the whole race: the row can flip from unused to used once.
      const won = await db
        .updateTable('challenges')
        .set({ used_at: now })
        .where('nonce', '=', nonce)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .where((eb) => eb.or([eb('address', 'is', null), eb('address', '=', address)]))
        .returningAll()
        .executeTakeFirst()
      if (won) return { status: 'consumed', challenge: toChallenge(won) }

      // Slow path, failures only: say precisely why.
      const row = await db.selectFrom('challenges').selectAll().where('nonce', '=', nonce).executeTakeFirst()
      if (!row || row.purpose !== purpose) return { status: 'unknown' }
      if (row.used_at !== null) return { status: 'used' }
      if (Number(row.expires_at) <= now) return { status: 'expired' }
      return { status: 'address_mismatch' }
    },

    async deleteExpired(now) {
      const result = await db.deleteFrom('challenges').where('expires_at', '<=', now).executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
