/**
 * One conformance suite for the ephemeral ports (ChallengeStore, SignatureUseStore, RateLimitStore),
 * run against the single-process implementations (SQLite, memory) and the Redis ones, races
 * included. Redis: the machine's (SIGIL_TEST_REDIS_URL overrides), keys under a prefix of this
 * file's own, deleted afterwards. "Replicas" are separate Redis connections (separate clients), or
 * for SQLite and memory the one store several times over, as one process shares it.
 */
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type {
  Address,
  Challenge,
  ChallengeStore,
  ConsumeChallengeOutcome,
  RateLimitStore,
  SignatureUseStore,
} from '../../src/core/ports.js'
import { createMemoryRateLimitStore } from '../../src/store/memory/rate-limit-store.js'
import { openRedisStores, type RedisLog } from '../../src/store/redis/open-redis-stores.js'
import { createRedisRateLimitStore } from '../../src/store/redis/rate-limit-store.js'
import { createChallengeStore } from '../../src/store/sql/challenge-store.js'
import { openSqliteStores } from '../../src/store/sqlite/open-sqlite-stores.js'
import { createManualClock } from '../support/manual-clock.js'
import { useTestRedis } from '../support/redis.js'

interface EphemeralStores {
  challenges: ChallengeStore
  signatureUses: SignatureUseStore
  /** The replay cache of RFC 9421 signed requests: memory on one process, Redis `SET NX PX`. */
  requestSignatureUses: SignatureUseStore
  rateLimits: RateLimitStore
}

interface Backend {
  name: string
  /** `count` sets of stores over one shared state, as `count` replicas see it. */
  open(count: number): Promise<{ replicas: EphemeralStores[]; close(): Promise<void> }>
}

const redis = useTestRedis()
const warnings: unknown[] = []
const log: RedisLog = { warn: (obj, msg) => warnings.push({ obj, msg }), info: () => {} }

const backends: Backend[] = [
  {
    name: 'sqlite + memory',
    async open(count) {
      const stores = await openSqliteStores('sqlite::memory:')
      const shared: EphemeralStores = {
        challenges: stores.challenges,
        signatureUses: stores.signatureUses,
        requestSignatureUses: stores.requestSignatureUses,
        rateLimits: createMemoryRateLimitStore(),
      }
      return { replicas: Array.from({ length: count }, () => shared), close: () => stores.close() }
    },
  },
  {
    // PostgreSQL's nonce store (store/sql), here on SQLite: the single process keeps nonces in memory.
    name: 'sqlite, SQL nonce store',
    async open(count) {
      const stores = await openSqliteStores('sqlite::memory:')
      const shared: EphemeralStores = {
        challenges: createChallengeStore(stores.db),
        signatureUses: stores.signatureUses,
        requestSignatureUses: stores.requestSignatureUses,
        rateLimits: createMemoryRateLimitStore(),
      }
      return { replicas: Array.from({ length: count }, () => shared), close: () => stores.close() }
    },
  },
  {
    name: 'redis',
    async open(count) {
      const { url, prefix } = redis()
      const opened = await Promise.all(
        Array.from({ length: count }, () => openRedisStores(url, { keyPrefix: prefix, log })),
      )
      return {
        replicas: opened.map((r) => ({
          challenges: r.challenges,
          signatureUses: r.signatureUses,
          requestSignatureUses: r.requestSignatureUses,
          // The Redis script itself, not the failover around it: a silent fallback must not pass here.
          rateLimits: createRedisRateLimitStore(r.client, { keyPrefix: prefix }),
        })),
        close: async () => {
          await Promise.all(opened.map((r) => r.close()))
        },
      }
    },
  },
]

const REPLICAS = 5
const RACERS = 50
const TTL = 5 * 60_000
const alice = '0x1111111111111111111111111111111111111111' as Address
const bob = '0x2222222222222222222222222222222222222222' as Address
const newNonce = () => randomBytes(16).toString('hex')
const newKey = (label: string) => `${label}:${randomBytes(8).toString('hex')}`
const statuses = (outcomes: ConsumeChallengeOutcome[]) => outcomes.map((o) => o.status).sort()
const count = <T>(values: T[], value: T) => values.filter((v) => v === value).length

describe.each(backends)('ephemeral ports: $name', (backend) => {
  let replicas: EphemeralStores[] = []
  let close: () => Promise<void> = async () => {}
  const one = () => replicas[0]!
  const replica = (i: number) => replicas[i % replicas.length]!

  beforeAll(async () => {
    ;({ replicas, close } = await backend.open(REPLICAS))
  })
  afterAll(() => close())

  describe('ChallengeStore', () => {
    const clock = createManualClock()
    const challenge = (overrides: Partial<Challenge> = {}): Challenge => ({
      nonce: newNonce(),
      purpose: 'native',
      createdAt: clock.now(),
      expiresAt: clock.now() + TTL,
      ...overrides,
    })

    it('default: a bound nonce is consumed once, with the challenge as inserted; then used', async () => {
      const c = challenge({ address: alice })
      await one().challenges.insert(c)
      const expect1 = { purpose: 'native', address: alice, now: clock.now() + 1 }
      expect(await one().challenges.consume(c.nonce, expect1)).toEqual({ status: 'consumed', challenge: c })
      expect(await one().challenges.consume(c.nonce, expect1)).toEqual({ status: 'used' })
    })

    it('default: an unbound nonce is consumed by any address, and has no address', async () => {
      const c = challenge()
      await one().challenges.insert(c)
      const outcome = await one().challenges.consume(c.nonce, {
        purpose: 'native',
        address: bob,
        now: clock.now(),
      })
      expect(outcome).toEqual({ status: 'consumed', challenge: c })
      expect(outcome.status === 'consumed' && 'address' in outcome.challenge).toBe(false)
    })

    it('negative: a nonce never issued is unknown', async () => {
      expect(
        await one().challenges.consume(newNonce(), { purpose: 'native', address: alice, now: clock.now() }),
      ).toEqual({ status: 'unknown' })
    })

    it('negative: another purpose reads unknown and leaves the nonce unused for its own', async () => {
      const c = challenge({ purpose: 'paradex' })
      await one().challenges.insert(c)
      const at = { address: alice, now: clock.now() }
      expect(await one().challenges.consume(c.nonce, { ...at, purpose: 'native' })).toEqual({
        status: 'unknown',
      })
      expect(await one().challenges.consume(c.nonce, { ...at, purpose: 'paradex' })).toMatchObject({
        status: 'consumed',
      })
      // Spent, but still another purpose's: unknown, as before.
      expect(await one().challenges.consume(c.nonce, { ...at, purpose: 'native' })).toEqual({
        status: 'unknown',
      })
    })

    it('negative: bound to another address is address_mismatch and leaves the nonce unused', async () => {
      const c = challenge({ address: alice })
      await one().challenges.insert(c)
      const at = { purpose: 'native', now: clock.now() }
      expect(await one().challenges.consume(c.nonce, { ...at, address: bob })).toEqual({
        status: 'address_mismatch',
      })
      expect(await one().challenges.consume(c.nonce, { ...at, address: alice })).toMatchObject({
        status: 'consumed',
      })
      // Once spent, `used` comes before the address check.
      expect(await one().challenges.consume(c.nonce, { ...at, address: bob })).toEqual({ status: 'used' })
    })

    it('boundary: live until the millisecond before expiresAt, expired at it (for any address)', async () => {
      const early = challenge({ address: alice })
      const late = challenge({ address: alice })
      await one().challenges.insert(early)
      await one().challenges.insert(late)
      const expect1 = { purpose: 'native', address: alice }
      expect(await one().challenges.consume(late.nonce, { ...expect1, now: late.expiresAt })).toEqual({
        status: 'expired',
      })
      expect(
        await one().challenges.consume(late.nonce, { ...expect1, address: bob, now: late.expiresAt }),
      ).toEqual({ status: 'expired' })
      expect(
        await one().challenges.consume(early.nonce, { ...expect1, now: early.expiresAt - 1 }),
      ).toMatchObject({
        status: 'consumed',
      })
      // Spent, then past its expiry: still `used`, not `expired`.
      expect(await one().challenges.consume(early.nonce, { ...expect1, now: early.expiresAt + 1 })).toEqual({
        status: 'used',
      })
    })

    it('negative: a duplicate nonce is refused and never overwrites the first', async () => {
      const first = challenge({ address: alice })
      await one().challenges.insert(first)
      await expect(
        one().challenges.insert({
          ...first,
          purpose: 'paradex',
          address: bob,
          expiresAt: first.expiresAt + 1,
        }),
      ).rejects.toThrow()
      expect(
        await one().challenges.consume(first.nonce, { purpose: 'native', address: alice, now: clock.now() }),
      ).toEqual({ status: 'consumed', challenge: first })
    })

    it('behavior: deleteExpired keeps live nonces; an expired one then reads unknown or expired', async () => {
      const live = challenge()
      const old = challenge({ createdAt: clock.now() - 2 * TTL, expiresAt: clock.now() - TTL })
      await one().challenges.insert(live)
      await one().challenges.insert(old)
      expect(await one().challenges.deleteExpired(clock.now())).toBeGreaterThanOrEqual(0)
      const at = { purpose: 'native', address: alice, now: clock.now() }
      expect(['unknown', 'expired']).toContain((await one().challenges.consume(old.nonce, at)).status)
      expect(await one().challenges.consume(live.nonce, at)).toMatchObject({ status: 'consumed' })
    })

    it(`race: ${RACERS} concurrent consumers of one nonce on ${REPLICAS} replicas: exactly one consumed`, async () => {
      const c = challenge({ address: alice })
      await one().challenges.insert(c)
      const outcomes = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          replica(i).challenges.consume(c.nonce, { purpose: 'native', address: alice, now: clock.now() }),
        ),
      )
      expect(count(statuses(outcomes), 'consumed')).toBe(1)
      expect(count(statuses(outcomes), 'used')).toBe(RACERS - 1)
      expect(outcomes.find((o) => o.status === 'consumed')).toEqual({ status: 'consumed', challenge: c })
    })

    it('race: wrong-address racers never take the nonce from its wallet, nor block it', async () => {
      const c = challenge({ address: alice })
      await one().challenges.insert(c)
      const outcomes = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          replica(i).challenges.consume(c.nonce, {
            purpose: 'native',
            address: i % 2 ? bob : alice,
            now: clock.now(),
          }),
        ),
      )
      const bobs = outcomes.filter((_, i) => i % 2).map((o) => o.status)
      const alices = outcomes.filter((_, i) => !(i % 2)).map((o) => o.status)
      expect(count(alices, 'consumed')).toBe(1)
      expect(count(alices, 'used')).toBe(alices.length - 1)
      for (const status of bobs) expect(['address_mismatch', 'used']).toContain(status)
    })
  })

  describe('SignatureUseStore', () => {
    const now = Date.UTC(2026, 10, 22, 12)

    it('default: the first claim wins; later ones lose while it is live; at its expiry a claim wins again', async () => {
      const key = newKey('sig')
      expect(await one().signatureUses.claim(key, now + 1_000, now)).toBe(true)
      expect(await one().signatureUses.claim(key, now + 5_000, now + 1)).toBe(false)
      expect(await one().signatureUses.claim(key, now + 5_000, now + 999)).toBe(false)
      expect(await one().signatureUses.claim(key, now + 6_000, now + 1_000)).toBe(true)
      // The new claim holds until its own expiry, not the first one's.
      expect(await one().signatureUses.claim(key, now + 9_000, now + 5_999)).toBe(false)
      expect(await one().signatureUses.claim(key, now + 9_000, now + 6_000)).toBe(true)
    })

    it('default: keys are independent', async () => {
      const [a, b] = [newKey('sig'), newKey('sig')]
      expect(await one().signatureUses.claim(a, now + 1_000, now)).toBe(true)
      expect(await one().signatureUses.claim(b, now + 1_000, now)).toBe(true)
      expect(await one().signatureUses.claim(a, now + 1_000, now)).toBe(false)
    })

    it('boundary: a claim that is already expired wins, and so does the next one', async () => {
      const key = newKey('sig')
      expect(await one().signatureUses.claim(key, now, now)).toBe(true)
      expect(await one().signatureUses.claim(key, now - 1, now)).toBe(true)
      expect(await one().signatureUses.claim(key, now + 1_000, now)).toBe(true)
      expect(await one().signatureUses.claim(key, now + 1_000, now)).toBe(false)
    })

    it('behavior: deleteExpired never frees a live claim', async () => {
      const [live, old] = [newKey('sig'), newKey('sig')]
      await one().signatureUses.claim(live, now + 60_000, now)
      await one().signatureUses.claim(old, now + 1_000, now)
      expect(await one().signatureUses.deleteExpired(now + 2_000)).toBeGreaterThanOrEqual(0)
      expect(await one().signatureUses.claim(live, now + 90_000, now + 2_000)).toBe(false)
      expect(await one().signatureUses.claim(old, now + 90_000, now + 2_000)).toBe(true)
    })

    it(`race: ${RACERS} concurrent claims of one key on ${REPLICAS} replicas: exactly one wins`, async () => {
      const key = newKey('sig')
      const won = await Promise.all(
        Array.from({ length: RACERS }, (_, i) => replica(i).signatureUses.claim(key, now + 60_000, now)),
      )
      expect(count(won, true)).toBe(1)
      // And after its expiry, of the racers for the freed key, again exactly one.
      const again = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          replica(i).signatureUses.claim(key, now + 120_000, now + 60_000),
        ),
      )
      expect(count(again, true)).toBe(1)
    })
  })

  describe('SignatureUseStore of signed requests (replay cache)', () => {
    // Real time here: Redis judges the claim's end by its own clock (a TTL), the memory store by
    // the caller's; both hold a claim while its window lasts, which is what these check.
    const at = () => Date.now()

    it('default: a signature base is accepted once within its window; others are independent', async () => {
      const [a, b] = [newKey('rfc9421'), newKey('rfc9421')]
      expect(await one().requestSignatureUses.claim(a, at() + 60_000, at())).toBe(true)
      expect(await one().requestSignatureUses.claim(a, at() + 60_000, at())).toBe(false)
      expect(await replica(1).requestSignatureUses.claim(a, at() + 60_000, at())).toBe(false)
      expect(await one().requestSignatureUses.claim(b, at() + 60_000, at())).toBe(true)
    })

    it('boundary: a claim whose window is already over wins and keeps nothing', async () => {
      const key = newKey('rfc9421')
      expect(await one().requestSignatureUses.claim(key, at() - 1, at())).toBe(true)
      expect(await one().requestSignatureUses.claim(key, at() + 60_000, at())).toBe(true)
      expect(await one().requestSignatureUses.claim(key, at() + 60_000, at())).toBe(false)
    })

    it(`race: ${RACERS} concurrent claims of one signature on ${REPLICAS} replicas: exactly one wins`, async () => {
      const key = newKey('rfc9421')
      const now = at()
      const won = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          replica(i).requestSignatureUses.claim(key, now + 60_000, now),
        ),
      )
      expect(count(won, true)).toBe(1)
    })
  })

  describe('RateLimitStore', () => {
    const minute = 1_000 * 60_000

    it('default: counts in the fixed window and carries the previous one', async () => {
      const key = newKey('rl')
      await one().rateLimits.hit(key, 60_000, 60_000, 1)
      expect(await one().rateLimits.hit(key, 60_000, 61_000, 1)).toEqual({
        current: 2,
        previous: 0,
        windowStart: 60_000,
      })
      expect(await one().rateLimits.hit(key, 60_000, 120_500, 1)).toEqual({
        current: 1,
        previous: 2,
        windowStart: 120_000,
      })
    })

    it('behavior: a skipped window leaves no previous count; costs add; keys are independent', async () => {
      const [a, b] = [newKey('rl'), newKey('rl')]
      expect(await one().rateLimits.hit(a, 1_000, minute + 10, 3)).toEqual({
        current: 3,
        previous: 0,
        windowStart: minute,
      })
      expect(await one().rateLimits.hit(b, 1_000, minute + 20, 1)).toMatchObject({ current: 1 })
      expect(await one().rateLimits.hit(a, 1_000, minute + 999, 2)).toMatchObject({ current: 5, previous: 0 })
      expect(await one().rateLimits.hit(a, 1_000, minute + 1_000, 1)).toEqual({
        current: 1,
        previous: 5,
        windowStart: minute + 1_000,
      })
      expect(await one().rateLimits.hit(a, 1_000, minute + 3_500, 1)).toEqual({
        current: 1,
        previous: 0,
        windowStart: minute + 3_000,
      })
    })

    it(`race: ${RACERS} concurrent hits on ${REPLICAS} replicas are each counted exactly once`, async () => {
      const key = newKey('rl')
      const counts = await Promise.all(
        Array.from({ length: RACERS }, (_, i) => replica(i).rateLimits.hit(key, 60_000, minute + i, 1)),
      )
      expect(counts.map((c) => c.current).sort((x, y) => x - y)).toEqual(
        Array.from({ length: RACERS }, (_, i) => i + 1),
      )
      expect(await one().rateLimits.hit(key, 60_000, minute + RACERS, 1)).toMatchObject({
        current: RACERS + 1,
      })
    })
  })
})

describe('RateLimitStore: memory and Redis give the same numbers for the same hits', () => {
  let stores: Awaited<ReturnType<typeof openRedisStores>> | undefined
  beforeAll(async () => {
    const { url, prefix } = redis()
    stores = await openRedisStores(url, { keyPrefix: prefix, log })
  })
  afterAll(() => stores?.close())

  const hit = fc.record({
    key: fc.constantFrom('a', 'b', 'c'),
    windowMs: fc.constantFrom(1_000, 60_000),
    step: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 130_000 })),
    cost: fc.integer({ min: 1, max: 3 }),
  })

  it('property: any sequence of hits (same window per key, time moving forward)', async () => {
    const { prefix } = redis()
    await fc.assert(
      fc.asyncProperty(
        fc.array(hit, { minLength: 1, maxLength: 60 }),
        fc.nat(1_000_000),
        async (hits, start) => {
          const memory = createMemoryRateLimitStore()
          const shared = createRedisRateLimitStore(stores!.client, {
            keyPrefix: `${prefix}${newKey('run')}:`,
          })
          let now = Date.UTC(2026, 10, 22) + start
          for (const { key, windowMs, step, cost } of hits) {
            now += step
            // A key keeps one window length, as the limiter uses it (the bucket names the window).
            const bucket = `${key}:${windowMs}`
            const [m, r] = [
              await memory.hit(bucket, windowMs, now, cost),
              await shared.hit(bucket, windowMs, now, cost),
            ]
            expect(r).toEqual(m)
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  it('negative: no Redis call fell back or failed during the suite', () => {
    expect(warnings).toEqual([])
  })
})
