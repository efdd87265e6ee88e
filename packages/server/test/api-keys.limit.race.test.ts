import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApiKeyService } from '../src/core/api-keys/create-api-key-service.js'
import type { Account, ApiKeyStore, Stores } from '../src/core/ports.js'
import { createMemorySignatureUseStore } from '../src/store/memory/signature-use-store.js'
import { createManualClock } from './support/manual-clock.js'
import { late, sharedSqliteFile, tally } from './support/race.js'

const MAX = 5
const options = {
  maxPerAccount: MAX,
  recordUseEveryMs: 60_000,
  signedRequests: { maxAgeSeconds: 30, clockSkewSeconds: 60, replays: createMemorySignatureUseStore() },
}

/** A store whose reads answer late, as over a network: the window a check-then-insert loses. */
const slowReads = (store: ApiKeyStore): ApiKeyStore => ({
  ...store,
  listOfAccount: (accountId) => late(store.listOfAccount(accountId)),
})

const outcomes = (results: PromiseSettledResult<unknown>[]) => {
  const { fulfilled, refused } = tally(results, (reason: { code?: string }) => reason.code)
  return { created: fulfilled, refused }
}

/** The per-account limit is one atomic count-and-insert in the store, whatever runs concurrently. */
describe('API keys per account under concurrency', () => {
  let database: ReturnType<typeof sharedSqliteFile>
  const clock = createManualClock()
  const open = () => database.open()
  const activeKeys = async (stores: Stores, account: Account) =>
    (await stores.apiKeys.listOfAccount(account.id)).filter((k) => k.revokedAt === undefined).length

  beforeEach(() => {
    database = sharedSqliteFile('sigil-api-key-race-')
  })
  afterEach(() => database.closeAll())

  it('attack: 24 concurrent creates through two connections to one database: exactly the limit succeed', async () => {
    const [a, b] = [await open(), await open()]
    const account = await a.accounts.findOrCreateByAddress(
      '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf',
      clock.now(),
      'active',
    )
    const services = [
      createApiKeyService(a.apiKeys, clock, options),
      createApiKeyService(b.apiKeys, clock, options),
    ]
    const results = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        services[i % 2]!.create(account, { name: `k${i}`, scope: 'read' }),
      ),
    )
    const { created, refused } = outcomes(results)
    expect(created).toBe(MAX)
    expect(refused).toEqual(Array(24 - MAX).fill('API_KEY_LIMIT_REACHED'))
    expect(await activeKeys(b, account)).toBe(MAX)
  })

  it('attack: 24 concurrent creates over a store with slow reads: exactly the limit succeed', async () => {
    const stores = await open()
    const account = await stores.accounts.findOrCreateByAddress(
      '0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF',
      clock.now(),
      'active',
    )
    const service = createApiKeyService(slowReads(stores.apiKeys), clock, options)
    // Two keys already there; one of them revoked, so only one counts.
    const [, revoked] = [
      await service.create(account, { name: 'old', scope: 'read' }),
      await service.create(account, { name: 'gone', scope: 'read' }),
    ]
    await service.revoke(account.id, revoked!.key.id)
    const results = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) => service.create(account, { name: `k${i}`, scope: 'trade' })),
    )
    const { created, refused } = outcomes(results)
    expect(created).toBe(MAX - 1)
    expect(refused).toEqual(Array(24 - (MAX - 1)).fill('API_KEY_LIMIT_REACHED'))
    expect(await activeKeys(stores, account)).toBe(MAX)
  })

  it('behavior: the store counts what the service calls active: expired and revoked keys free a place, rotation takes none', async () => {
    const stores = await open()
    const account = await stores.accounts.findOrCreateByAddress(
      '0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69',
      clock.now(),
      'active',
    )
    const local = createManualClock(clock.now())
    const service = createApiKeyService(stores.apiKeys, local, { ...options, maxPerAccount: 2 })
    const full = { code: 'API_KEY_LIMIT_REACHED' }
    const expiring = await service.create(account, { name: 'a day', scope: 'read', expiresInDays: 1 })
    const kept = await service.create(account, { name: 'kept', scope: 'read' })
    await expect(service.create(account, { name: 'third', scope: 'read' })).rejects.toMatchObject(full)
    // At the limit a rotation still goes through, and its grace period does not make a second key.
    await expect(service.rotate(account.id, kept.key.id, 3600)).resolves.toMatchObject({
      key: { status: 'active' },
    })
    await expect(service.create(account, { name: 'third', scope: 'read' })).rejects.toMatchObject(full)
    // The expiring key stops counting at the instant its status turns `expired`, not before.
    local.advance(86_400_000 - 1)
    await expect(service.create(account, { name: 'third', scope: 'read' })).rejects.toMatchObject(full)
    local.advance(1)
    expect((await service.list(account.id)).find((k) => k.id === expiring.key.id)?.status).toBe('expired')
    const third = await service.create(account, { name: 'third', scope: 'read' })
    await expect(service.create(account, { name: 'fourth', scope: 'read' })).rejects.toMatchObject(full)
    await service.revoke(account.id, third.key.id)
    await expect(service.create(account, { name: 'fourth', scope: 'read' })).resolves.toBeDefined()
    // Refused at the store: nothing is written.
    const refused = {
      id: 'refused',
      accountId: account.id,
      name: 'refused',
      scope: 'read' as const,
      credential: { kind: 'secret' as const, secretHash: new Uint8Array(32), secretTail: 'abcd' },
      allowedIps: [],
      createdAt: local.now(),
    }
    expect(await stores.apiKeys.insert(refused, { maxActivePerAccount: 2 })).toBe('limit_reached')
    expect(await stores.apiKeys.findById('refused')).toBeUndefined()
    expect(await stores.apiKeys.insert(refused, { maxActivePerAccount: 3 })).toBe('inserted')
  })
})
