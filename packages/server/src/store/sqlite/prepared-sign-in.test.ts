import type { Kysely, Transaction } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDatabaseUrl } from '../../../test/support/temp-dir.js'
import type { Address, Session } from '../../core/ports.js'
import type { Database } from '../sql/schema.js'
import { openSqliteStores } from './open-sqlite-stores.js'

const T0 = 1_750_000_000_000

/**
 * A Kysely transaction that writes (`write`), then waits across an await until `release()`, then
 * fails: everything in it rolls back. Resolves once the write is in and the transaction is open.
 */
async function holdDoomedTransaction(
  db: Kysely<Database>,
  write: (trx: Transaction<Database>) => Promise<unknown>,
): Promise<{ doomed: Promise<void>; release: () => void }> {
  let opened!: () => void
  let release!: () => void
  const isOpen = new Promise<void>((resolve) => {
    opened = resolve
  })
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  const doomed = db.transaction().execute(async (trx) => {
    await write(trx)
    opened()
    await held
    throw new Error('rolled back')
  })
  await isOpen
  return { doomed, release }
}
const address = '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address

describe('SQLite: the sign-in statements prepared on the shared connection', () => {
  let stores: Awaited<ReturnType<typeof openSqliteStores>> | undefined
  afterEach(async () => {
    await stores?.close()
    stores = undefined
  })

  it('attack: a session created while a Kysely transaction is open is not swept into its rollback', async () => {
    stores = await openSqliteStores(tempDatabaseUrl('sigil-prepared-'))
    const { db, sessions, accounts, audit } = stores
    const account = await accounts.findOrCreateByAddress(address, T0, 'active')
    const { doomed, release } = await holdDoomedTransaction(db, (trx) =>
      trx.insertInto('audit_events').values({ at: T0, type: 'doomed', account_id: account.id }).execute(),
    )
    const session: Session = {
      id: 'session-during-transaction',
      accountId: account.id,
      kind: 'token',
      createdAt: T0,
      expiresAt: T0 + 3_600_000,
      lastUsedAt: T0,
    }
    const event = { at: T0, type: 'sign_in.succeeded' as const, accountId: account.id, detail: { n: 1 } }
    const created = sessions.create(session, undefined, event)
    release()
    await expect(doomed).rejects.toThrow('rolled back')
    await created
    expect(await sessions.find(session.id)).toEqual(session)
    const events = await audit.query({ accountId: account.id, limit: 10 })
    expect(events.map((e) => e.type)).toEqual(['sign_in.succeeded'])
  })

  it('behavior: an account read while a transaction is open sees only committed rows', async () => {
    stores = await openSqliteStores(tempDatabaseUrl('sigil-prepared-'))
    const { db, accounts } = stores
    const { doomed, release } = await holdDoomedTransaction(db, (trx) =>
      trx
        .insertInto('accounts')
        .values({
          id: 'uncommitted',
          address_key: address.toLowerCase(),
          address,
          status: 'active',
          created_at: T0,
        })
        .execute(),
    )
    const found = accounts.findOrCreateByAddress(address, T0, 'pending')
    release()
    await expect(doomed).rejects.toThrow('rolled back')
    const account = await found
    expect(account.id).not.toBe('uncommitted')
    expect(account.status).toBe('pending')
    expect(await accounts.findById(account.id)).toEqual(account)
  })

  it('behavior: sign-ins of one turn commit together; one that fails fails alone, and wholly', async () => {
    stores = await openSqliteStores(tempDatabaseUrl('sigil-prepared-'))
    const { sessions, accounts, audit } = stores
    const account = await accounts.findOrCreateByAddress(address, T0, 'active')
    const session = (id: string): Session => ({
      id,
      accountId: account.id,
      kind: 'token',
      createdAt: T0,
      expiresAt: T0 + 3_600_000,
      lastUsedAt: T0,
    })
    const token = (id: string, sessionId: string) => ({
      id,
      sessionId,
      secretHash: new Uint8Array(32).fill(id.length),
      createdAt: T0,
      expiresAt: T0 + 60_000,
    })
    const event = (n: number) => ({
      at: T0,
      type: 'sign_in.succeeded' as const,
      accountId: account.id,
      detail: { n },
    })
    await sessions.create(session('taken'), token('t-taken', 'taken'), event(0))
    // Started in the same turn: one group. The second reuses a session id, so its insert fails.
    const results = await Promise.allSettled([
      sessions.create(session('a'), token('t-a', 'a'), event(1)),
      sessions.create(session('taken'), token('t-clash', 'taken'), event(2)),
      sessions.create(session('b'), token('t-b', 'b'), event(3)),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(await sessions.find('a')).toEqual(session('a'))
    expect(await sessions.find('b')).toEqual(session('b'))
    expect((await sessions.findRefreshToken('t-b'))?.session.id).toBe('b')
    // Nothing of the failed one: neither its refresh token nor its audit event.
    expect(await sessions.findRefreshToken('t-clash')).toBeUndefined()
    const events = await audit.query({ accountId: account.id, limit: 10 })
    expect(events.map((e) => e.detail)).toEqual([{ n: 0 }, { n: 1 }, { n: 3 }])
  })
})
