import { MAX_ISOLATED_ACCOUNTS } from '@sigil/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createIsolatedAccountService } from '../src/core/isolated-accounts/create-isolated-account-service.js'
import type { IsolatedAccountStore, Stores } from '../src/core/ports.js'
import { createManualClock } from './support/manual-clock.js'
import { late, sharedSqliteFile, tally } from './support/race.js'

const MARKET = 'BTC-USD-PERP'
const limit = { maxPerParent: MAX_ISOLATED_ACCOUNTS }
/** Canonical felts that are no account's id. */
const isolated = (i: number) => `0x${(0x10000 + i).toString(16)}`

/** A store whose reads answer late, as over a network: the window a check-then-insert loses. */
const slowReads = (store: IsolatedAccountStore): IsolatedAccountStore => ({
  ...store,
  listByParent: (parentAccountId) => late(store.listByParent(parentAccountId)),
})

const outcomes = (results: PromiseSettledResult<unknown>[]) => {
  const { fulfilled, refused } = tally(results, (reason: { detail?: string }) => reason.detail)
  return { added: fulfilled, refused }
}

/** The 256-links bound is one atomic count-and-insert in the store, whatever runs concurrently. */
describe('isolated accounts per main account under concurrency', () => {
  let database: ReturnType<typeof sharedSqliteFile>
  const clock = createManualClock()
  const open = () => database.open()
  const service = (stores: Stores, isolatedAccounts = stores.isolatedAccounts) =>
    createIsolatedAccountService({ isolatedAccounts, accounts: stores.accounts, clock })
  /** A main account with `links` isolated accounts already, through the store. */
  const parentWith = async (stores: Stores, links: number) => {
    const parent = await stores.accounts.findOrCreateByAddress(
      '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf',
      clock.now(),
      'active',
    )
    for (let i = 0; i < links; i++) {
      const outcome = await stores.isolatedAccounts.add(
        { account: isolated(i), parentAccountId: parent.id, market: MARKET },
        clock.now(),
        limit,
      )
      expect(outcome.status).toBe('added')
    }
    return parent.id
  }

  beforeEach(() => {
    database = sharedSqliteFile('sigil-isolated-race-')
  })
  afterEach(() => database.closeAll())

  it('attack: 20 concurrent links through two connections to one database, 6 places left: exactly 6 are added', async () => {
    const [a, b] = [await open(), await open()]
    const parentAccountId = await parentWith(a, MAX_ISOLATED_ACCOUNTS - 6)
    const services = [service(a), service(b)]
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        services[i % 2]!.add({ parentAccountId, account: isolated(1000 + i), market: MARKET }),
      ),
    )
    const { added, refused } = outcomes(results)
    expect(added).toBe(6)
    expect(refused).toEqual(Array(14).fill('too_many_isolated_accounts'))
    expect(await b.isolatedAccounts.listByParent(parentAccountId)).toHaveLength(MAX_ISOLATED_ACCOUNTS)
  })

  it('attack: 20 concurrent links over a store with slow reads, 6 places left: exactly 6 are added', async () => {
    const stores = await open()
    const parentAccountId = await parentWith(stores, MAX_ISOLATED_ACCOUNTS - 6)
    const links = service(stores, slowReads(stores.isolatedAccounts))
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        links.add({ parentAccountId, account: isolated(1000 + i), market: MARKET }),
      ),
    )
    const { added, refused } = outcomes(results)
    expect(added).toBe(6)
    expect(refused).toEqual(Array(14).fill('too_many_isolated_accounts'))
    expect(await stores.isolatedAccounts.listByParent(parentAccountId)).toHaveLength(MAX_ISOLATED_ACCOUNTS)
  })

  it('behavior: the store counts what it lists, and the limit is answered before `exists` and `taken`', async () => {
    const stores = await open()
    const parentAccountId = await parentWith(stores, 2)
    const small = { maxPerParent: 2 }
    const link = (account: string, market = MARKET) => ({ account, parentAccountId, market })
    // An inert link (its address became a main account) is neither listed nor counted.
    await stores.db
      .insertInto('accounts')
      .values({
        id: isolated(0),
        address_key: 'inert',
        address: isolated(0),
        status: 'active',
        created_at: 1,
      })
      .execute()
    expect(await stores.isolatedAccounts.listByParent(parentAccountId)).toHaveLength(1)
    expect(await stores.isolatedAccounts.add(link(isolated(7)), 5, small)).toMatchObject({ status: 'added' })
    expect(await stores.isolatedAccounts.add(link(isolated(8)), 5, small)).toEqual({
      status: 'limit_reached',
    })
    expect(await stores.isolatedAccounts.listByParent(parentAccountId)).toHaveLength(2)
    // At the limit, the same link again and a taken address both hear the limit, as before.
    expect(await stores.isolatedAccounts.add(link(isolated(7)), 6, small)).toEqual({
      status: 'limit_reached',
    })
    expect(await stores.isolatedAccounts.add(link(isolated(1), 'ETH-USD-PERP'), 6, small)).toEqual({
      status: 'limit_reached',
    })
    // Below it, they are `exists` and `taken`.
    const roomy = { maxPerParent: 3 }
    expect(await stores.isolatedAccounts.add(link(isolated(7)), 6, roomy)).toMatchObject({
      status: 'exists',
      record: { createdAt: 5 },
    })
    expect(await stores.isolatedAccounts.add(link(isolated(1), 'ETH-USD-PERP'), 6, roomy)).toEqual({
      status: 'taken',
    })
    // Removing a link frees its place.
    expect(await stores.isolatedAccounts.remove(isolated(7))).toBe(true)
    expect(await stores.isolatedAccounts.add(link(isolated(8)), 7, small)).toMatchObject({ status: 'added' })
  })
})
