/**
 * Redis faults, on a private redis-server this file starts, kills, freezes and restarts: nonces
 * and strict-replay claims fail closed (AuthError SERVICE_UNAVAILABLE, fast, never a hang, never a
 * sign-in without its single-use check); rate limiting keeps deciding from this process's memory
 * and says so once; everything works again, with the same store objects, once Redis is back.
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthError } from '../../src/core/errors.js'
import type { Address, Challenge } from '../../src/core/ports.js'
import { openRedisStores, type RedisStores } from '../../src/store/redis/open-redis-stores.js'
import {
  RATE_LIMIT_FAILOVER_MESSAGE,
  RATE_LIMIT_RECOVERED_MESSAGE,
} from '../../src/store/redis/rate-limit-store.js'
import { eventually } from '../support/eventually.js'
import { freePort, type PrivateRedis, startPrivateRedis, uniqueRedisPrefix } from '../support/redis.js'

const alice = '0x1111111111111111111111111111111111111111' as Address
const prefix = uniqueRedisPrefix()
const entries: { level: 'warn' | 'info'; obj: object; msg: string }[] = []
const log = {
  warn: (obj: object, msg: string) => entries.push({ level: 'warn', obj, msg }),
  info: (obj: object, msg: string) => entries.push({ level: 'info', obj, msg }),
}
const logged = (msg: string) => entries.filter((e) => e.msg === msg)

const challenge = (): Challenge => {
  const now = Date.now()
  return {
    nonce: randomBytes(16).toString('hex'),
    purpose: 'native',
    createdAt: now,
    expiresAt: now + 60_000,
  }
}
const expectNow = () => ({ purpose: 'native', address: alice, now: Date.now() })

/** How long `call` took to settle, and how: the error it rejected with, or undefined. */
async function timed(call: () => Promise<unknown>) {
  const start = performance.now()
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  )
  return { error, ms: performance.now() - start }
}

function expectUnavailable(outcome: { error: unknown; ms: number }, maxMs: number) {
  expect(outcome.error).toBeInstanceOf(AuthError)
  const error = outcome.error as AuthError
  expect(error.code).toBe('SERVICE_UNAVAILABLE')
  expect(error.internal).toMatch(/^redis: /)
  expect(outcome.ms).toBeLessThan(maxMs)
}

describe('Redis faults (a private redis-server, killed, frozen and restarted)', () => {
  let server: PrivateRedis
  let stores: RedisStores

  beforeAll(async () => {
    server = await startPrivateRedis()
    stores = await openRedisStores(server.url, { keyPrefix: prefix, log })
  }, 20_000)
  afterAll(async () => {
    try {
      await stores?.close()
    } finally {
      await server?.dispose()
    }
  })

  it('default: with Redis up, nonces, claims and counters live in Redis', async () => {
    const c = challenge()
    await stores.challenges.insert(c)
    expect(await stores.challenges.consume(c.nonce, expectNow())).toMatchObject({ status: 'consumed' })
    expect(await stores.signatureUses.claim('up', Date.now() + 60_000, Date.now())).toBe(true)
    expect(await stores.rateLimits.hit('up', 60_000, Date.now(), 1)).toMatchObject({ current: 1 })
    expect(
      await stores.client.exists(`${prefix}rate:up`, `${prefix}nonce:${c.nonce}`, `${prefix}sig-use:up`),
    ).toBe(3)
    expect(stores.rateLimits.failedOver).toBe(false)
    expect(entries).toEqual([])
  })

  it('fault: Redis killed: nonce issue and consume, and strict-replay claims, fail closed with 503 at once', async () => {
    const pending = challenge()
    await stores.challenges.insert(pending)
    await server.kill()

    expectUnavailable(await timed(() => stores.challenges.insert(challenge())), 2_000)
    expectUnavailable(await timed(() => stores.challenges.consume(pending.nonce, expectNow())), 2_000)
    expectUnavailable(
      await timed(() => stores.signatureUses.claim('down', Date.now() + 60_000, Date.now())),
      2_000,
    )
    // A burst of sign-ins with one nonce: every one refused, none let through without its check.
    const burst = await Promise.allSettled(
      Array.from({ length: 20 }, () => stores.challenges.consume(pending.nonce, expectNow())),
    )
    for (const r of burst) {
      expect(r.status).toBe('rejected')
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'SERVICE_UNAVAILABLE' })
    }
    // The client hears of the closed socket a moment after its first commands fail.
    await eventually(10_000, async () => logged('redis connection lost; reconnecting').length > 0, 100)
    expect(logged('redis connection lost; reconnecting')).toHaveLength(1)
  })

  it('fault: Redis killed: rate limiting keeps deciding from memory and logs the fallback once', async () => {
    const start = performance.now()
    const counts = []
    for (let i = 0; i < 5; i++) counts.push(await stores.rateLimits.hit('down', 60_000, Date.now(), 1))
    expect(counts.map((c) => c.current)).toEqual([1, 2, 3, 4, 5])
    expect(performance.now() - start).toBeLessThan(1_000)
    expect(stores.rateLimits.failedOver).toBe(true)
    const fallbacks = logged(RATE_LIMIT_FAILOVER_MESSAGE)
    expect(fallbacks).toHaveLength(1)
    expect(fallbacks[0]).toMatchObject({ level: 'warn', obj: { cause: 'connection down' } })
  })

  it('recovery: Redis back on its port: the same store objects work again, the limiter returns to Redis', async () => {
    await server.start()
    const c = challenge()
    // The client reconnects by itself (backoff capped at 2 s): no reopening.
    // Refused while Redis reconnects: asked again until it is back.
    await eventually(
      10_000,
      () =>
        stores.challenges.insert(c).then(
          () => true,
          () => false,
        ),
      100,
    )
    expect(await stores.challenges.consume(c.nonce, expectNow())).toMatchObject({ status: 'consumed' })
    expect(await stores.signatureUses.claim('back', Date.now() + 60_000, Date.now())).toBe(true)
    expect(logged('redis connection restored')).toHaveLength(1)

    // The limiter tries Redis again in the background, at most once a second, then switches back.
    await eventually(
      10_000,
      async () => {
        await stores.rateLimits.hit('probe', 60_000, Date.now(), 1)
        return logged(RATE_LIMIT_RECOVERED_MESSAGE).length === 1
      },
      100,
    )
    expect(stores.rateLimits.failedOver).toBe(false)
    expect(await stores.rateLimits.hit('back', 60_000, Date.now(), 1)).toMatchObject({ current: 1 })
    expect(await stores.client.hget(`${prefix}rate:back`, 'c')).toBe('1')
    expect(logged(RATE_LIMIT_FAILOVER_MESSAGE)).toHaveLength(1)
    expect(logged(RATE_LIMIT_RECOVERED_MESSAGE)[0]).toMatchObject({ level: 'info' })
  }, 20_000)

  it('fault: Redis frozen (a hung host): calls time out after about a second instead of hanging', async () => {
    const before = entries.length
    server.pause()
    try {
      // Issue, consume and the first rate-limit hit all wait for the command timeout, together.
      const [issue, consume, first] = await Promise.all([
        timed(() => stores.challenges.insert(challenge())),
        timed(() => stores.challenges.consume(randomBytes(16).toString('hex'), expectNow())),
        timed(() => stores.rateLimits.hit('frozen', 60_000, Date.now(), 1)),
      ])
      expectUnavailable(issue, 2_500)
      expectUnavailable(consume, 2_500)
      expect(issue.error).toMatchObject({ internal: 'redis: command timed out' })
      // The limiter falls back instead of failing; the next hits do not wait at all.
      expect(first.error).toBeUndefined()
      expect(first.ms).toBeLessThan(2_500)
      const next = await timed(() => stores.rateLimits.hit('frozen', 60_000, Date.now(), 1))
      expect(next.ms).toBeLessThan(100)
      expect(entries.slice(before).filter((e) => e.msg === RATE_LIMIT_FAILOVER_MESSAGE)).toHaveLength(1)
    } finally {
      server.resume()
    }
    await eventually(
      10_000,
      async () => {
        await stores.rateLimits.hit('thawed', 60_000, Date.now(), 1)
        return !stores.rateLimits.failedOver
      },
      100,
    )
    const c = challenge()
    await stores.challenges.insert(c)
    expect(await stores.challenges.consume(c.nonce, expectNow())).toMatchObject({ status: 'consumed' })
  }, 20_000)

  it('fault: Redis unreachable at start: openRedisStores rejects at once, naming it without its password', async () => {
    const port = await freePort()
    const outcome = await timed(() =>
      openRedisStores(`redis://:s3cret-pass@127.0.0.1:${port}/0`, { keyPrefix: prefix, log }),
    )
    expect(outcome.error).toBeInstanceOf(Error)
    const message = (outcome.error as Error).message
    expect(message).toMatch(
      new RegExp(`^redis: cannot connect to redis://\\*\\*\\*@127\\.0\\.0\\.1:${port}/0`),
    )
    expect(message).toContain('ECONNREFUSED')
    expect(message).not.toContain('s3cret')
    expect(outcome.ms).toBeLessThan(3_000)
  })
})
