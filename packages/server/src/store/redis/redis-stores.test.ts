import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useTestRedis } from '../../../test/support/redis.js'
import { openRedisStores, type RedisStores } from './open-redis-stores.js'

/** What the conformance suite cannot see: key layout, TTLs, and the replicas' clock skew. */
describe('Redis ephemeral stores: keys and expiry', () => {
  const redis = useTestRedis()
  let stores: RedisStores
  const silent = { warn: () => {}, info: () => {} }
  beforeAll(async () => {
    const { url, prefix } = redis()
    stores = await openRedisStores(url, { keyPrefix: prefix, log: silent })
  })
  afterAll(() => stores?.close())

  it('default: a nonce is one hash under the prefix, kept two lifetimes (plus slack) by TTL, consume or not', async () => {
    const { prefix } = redis()
    // A caller's clock far from Redis's (a manual clock, a skewed host): the TTL is relative.
    const createdAt = Date.UTC(2020, 0, 1)
    const nonce = randomBytes(16).toString('hex')
    await stores.challenges.insert({ nonce, purpose: 'native', createdAt, expiresAt: createdAt + 300_000 })
    const key = `${prefix}nonce:${nonce}`
    expect(await stores.client.hgetall(key)).toEqual({
      purpose: 'native',
      address: '',
      createdAt: String(createdAt),
      expiresAt: String(createdAt + 300_000),
    })
    const ttl = await stores.client.pttl(key)
    expect(ttl).toBeGreaterThan(600_000)
    expect(ttl).toBeLessThanOrEqual(605_000)
    const address = '0x1111111111111111111111111111111111111111'
    await stores.challenges.consume(nonce, { purpose: 'native', address, now: createdAt + 1 })
    expect(await stores.client.hget(key, 'usedAt')).toBe(String(createdAt + 1))
    expect(await stores.client.pttl(key)).toBeGreaterThan(600_000)
    expect(await stores.challenges.deleteExpired(createdAt + 10_000_000)).toBe(0)
  })

  it('default: a strict-replay claim lives until its expiresAt (as TTL); an expired claim leaves no key', async () => {
    const { prefix } = redis()
    const now = Date.UTC(2020, 0, 1)
    expect(await stores.signatureUses.claim('live', now + 30_000, now)).toBe(true)
    const ttl = await stores.client.pttl(`${prefix}sig-use:live`)
    expect(ttl).toBeGreaterThan(29_000)
    expect(ttl).toBeLessThanOrEqual(30_000)
    expect(await stores.signatureUses.claim('gone', now, now)).toBe(true)
    expect(await stores.client.exists(`${prefix}sig-use:gone`)).toBe(0)
  })

  it('default: a counter expires two windows after its last hit', async () => {
    const { prefix } = redis()
    await stores.rateLimits.hit('ttl', 60_000, Date.UTC(2020, 0, 1), 1)
    const ttl = await stores.client.pttl(`${prefix}rate:ttl`)
    expect(ttl).toBeGreaterThan(119_000)
    expect(ttl).toBeLessThanOrEqual(120_000)
  })

  it('race: a replica whose clock lags behind a window another one opened counts in that window, not a reset', async () => {
    const minute = Date.UTC(2026, 0, 1)
    await stores.rateLimits.hit('skew', 60_000, minute - 10, 4)
    expect(await stores.rateLimits.hit('skew', 60_000, minute + 5, 1)).toEqual({
      current: 1,
      previous: 4,
      windowStart: minute,
    })
    // 20 ms behind: still the previous window on this replica's clock.
    expect(await stores.rateLimits.hit('skew', 60_000, minute - 15, 1)).toEqual({
      current: 2,
      previous: 4,
      windowStart: minute,
    })
    expect(await stores.rateLimits.hit('skew', 60_000, minute + 10, 1)).toMatchObject({
      current: 3,
      previous: 4,
    })
  })
})
