import type { Kysely } from 'kysely'
import type { Address, StarknetAccount, StarknetAccountStore, StarknetSignerType } from '../../core/ports.js'
import type { Database, StarknetAccountRow } from './schema.js'

const toStarknetAccount = (row: StarknetAccountRow): StarknetAccount => ({
  account: row.account,
  signerType: row.signer_type as StarknetSignerType,
  publicKey: row.public_key,
  ...(row.eth_address ? { ethAddress: row.eth_address as Address } : {}),
  accountId: row.account_id,
  createdAt: Number(row.created_at),
})

/**
 * Onboarded Starknet accounts (a Stark key or, for Paradex v2, an Ethereum signer). The Sigil account of a Starknet account has the canonical felt as
 * its id (so the access JWT's `sub` is the Paradex address) and `starknet:<felt>` as its address
 * key, which no EVM address (`0x` + 40 hex) can take: a Paradex account and a SIWE wallet never merge.
 * Its display `address` is the recovered SIWE signer for an EVM (v2) account, else the Starknet
 * address: the PARADEX-ETHEREUM-ACCOUNT of a Stark-key onboarding is unsigned, so it stays metadata.
 */
export function createStarknetAccountStore(db: Kysely<Database>): StarknetAccountStore {
  const find = async (account: string) => {
    const row = await db
      .selectFrom('starknet_accounts')
      .selectAll()
      .where('account', '=', account)
      .executeTakeFirst()
    return row && toStarknetAccount(row)
  }

  return {
    find,

    async register({ account, signerType, publicKey, ethAddress }, now, statusIfNew) {
      const existing = await find(account)
      let inserted = false
      if (!existing) {
        // Insert-or-ignore both rows in one transaction: concurrent onboardings end in one pair,
        // and only the racer whose insert took is told `registered`.
        const outcome = await db.transaction().execute(async (trx) => {
          const link = await trx
            .selectFrom('isolated_accounts')
            .select('account')
            .where('account', '=', account)
            .executeTakeFirst()
          if (link) return 'isolated' as const
          await trx
            .insertInto('accounts')
            .values({
              id: account,
              address_key: `starknet:${account}`,
              // Shown as the account's wallet by every API: only a signed address may stand there.
              address: signerType === 'eip191' && ethAddress ? ethAddress : account,
              status: statusIfNew,
              created_at: now,
            })
            .onConflict((oc) => oc.doNothing())
            .execute()
          const result = await trx
            .insertInto('starknet_accounts')
            .values({
              account,
              signer_type: signerType,
              public_key: publicKey,
              eth_address: ethAddress ?? null,
              account_id: account,
              created_at: now,
            })
            .onConflict((oc) => oc.column('account').doNothing())
            .executeTakeFirst()
          return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1
            ? ('inserted' as const)
            : ('raced' as const)
        })
        if (outcome === 'isolated') return { status: 'isolated_account' }
        inserted = outcome === 'inserted'
      }
      const record = existing ?? (await find(account))
      if (!record || record.signerType !== signerType || record.publicKey !== publicKey)
        return { status: 'key_mismatch' }
      return { status: inserted ? 'registered' : 'existing', record }
    },
  }
}
