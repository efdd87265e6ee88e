import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../../test/support/manual-clock.js'
import { createMemoryRateLimitStore } from '../../store/memory/rate-limit-store.js'
import type { Identity } from '../identity.js'
import { createRateLimiter, type RateLimitRequest } from './create-rate-limiter.js'

const policy = {
  signInPerMinute: 3,
  starknetPerMinute: 3,
  starknetGlobalPerSecond: 5,
  anonymousPerMinute: 2,
  accountPerMinute: 4,
  apiKeyPerMinute: 6,
}

const jwt: Identity = { accountId: 'acc-1', scopes: ['read'], via: 'jwt', sessionId: 's-1' }
const cookie: Identity = { accountId: 'acc-1', scopes: ['read'], via: 'cookie', sessionId: 's-2' }
const apiKey: Identity = { accountId: 'acc-1', scopes: ['read'], via: 'api_key', apiKeyId: 'k-1' }
const otherKey: Identity = { accountId: 'acc-1', scopes: ['read'], via: 'api_key', apiKeyId: 'k-2' }
const tradeKey: Identity = { accountId: 'acc-1', scopes: ['read', 'trade'], via: 'api_key', apiKeyId: 'k-3' }

function setup(overrides: Partial<typeof policy & { globalSharePercent: number }> = {}) {
  const clock = createManualClock()
  const limiter = createRateLimiter(createMemoryRateLimitStore(), clock, { ...policy, ...overrides })
  const hits = async (request: RateLimitRequest, n: number) => {
    const outcomes = []
    for (let i = 0; i < n; i++) outcomes.push(await limiter.check(request))
    return outcomes
  }
  return { clock, limiter, hits }
}

const signIn = (ip: string): RateLimitRequest => ({ group: 'sign-in', ip, identity: null })
const api = (identity: Identity | null, ip = '203.0.113.7'): RateLimitRequest => ({
  group: 'api',
  ip,
  identity,
})

describe('createRateLimiter', () => {
  it('default', async () => {
    const { limiter } = setup()
    expect(await limiter.check(signIn('203.0.113.7'))).toEqual({
      allowed: true,
      limit: 3,
      remaining: 2,
      resetSeconds: 60,
      policyName: 'sign-in',
      bucket: 'sign-in:ip:203.0.113.7',
      windowSeconds: 60,
    })
  })

  it('behavior: the sign-in budget is per IP, and denied requests count', async () => {
    const { hits } = setup()
    const outcomes = await hits(signIn('203.0.113.7'), 5)
    expect(outcomes.map((o) => [o.allowed, o.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
      [false, 0],
    ])
    // 4 counted at 0 s: they must decay to 2 in the next window, 4 * (60 - f)/60 <= 2 at f = 30 s.
    expect(outcomes[3]?.retryAfterSeconds).toBe(90)
  })

  it('behavior: two IPs are independent, and sign-in and api budgets of one IP too', async () => {
    const { hits, limiter } = setup()
    await hits(signIn('203.0.113.7'), 3)
    expect((await limiter.check(signIn('203.0.113.7'))).allowed).toBe(false)
    expect(await limiter.check(signIn('2001:db8::1'))).toMatchObject({ allowed: true, remaining: 2 })
    expect(await limiter.check(api(null, '203.0.113.7'))).toMatchObject({
      allowed: true,
      remaining: 1,
      policyName: 'anonymous',
      bucket: 'api:ip:203.0.113.7',
    })
  })

  it('behavior: a sign-in request counts by IP even when it carries an identity', async () => {
    const { limiter } = setup()
    const outcome = await limiter.check({ group: 'sign-in', ip: '203.0.113.7', identity: jwt })
    expect(outcome).toMatchObject({ policyName: 'sign-in', bucket: 'sign-in:ip:203.0.113.7' })
  })

  it('behavior: the credentials of one class share one budget (sessions; keys of one power)', async () => {
    const { limiter } = setup()
    const seen = [
      await limiter.check(api(jwt)),
      await limiter.check(api(apiKey, '198.51.100.1')),
      await limiter.check(api(cookie)),
      await limiter.check(api(otherKey)),
    ]
    expect(seen.map((o) => o.bucket)).toEqual([
      'api:account:acc-1:session:read',
      'api:account:acc-1:api-key:read',
      'api:account:acc-1:session:read',
      'api:account:acc-1:api-key:read',
    ])
    // A JWT and a cookie spend one session budget (limit 4), two read keys one key budget (limit 6):
    // minting another key buys no more throughput.
    expect(seen.map((o) => [o.policyName, o.limit, o.remaining])).toEqual([
      ['account', 4, 3],
      ['api-key', 6, 5],
      ['account', 4, 2],
      ['api-key', 6, 4],
    ])
  })

  it('attack: a read-only key flooding cannot starve the trade keys or the session of its account', async () => {
    const { hits, limiter } = setup()
    const flood = await hits(api(apiKey), 20)
    expect(flood.filter((o) => o.allowed)).toHaveLength(6)
    expect(await limiter.check(api(tradeKey))).toMatchObject({
      allowed: true,
      remaining: 5,
      bucket: 'api:account:acc-1:api-key:trade',
    })
    expect(await limiter.check(api({ ...jwt, scopes: ['account', 'read', 'trade'] }))).toMatchObject({
      allowed: true,
      remaining: 3,
      bucket: 'api:account:acc-1:session:trade',
    })
  })

  it("behavior: nor does a trade key's flood spend the read keys' budget", async () => {
    const { hits, limiter } = setup()
    await hits(api(tradeKey), 20)
    expect(await limiter.check(api(otherKey))).toMatchObject({ allowed: true, remaining: 5 })
  })

  it('behavior: another account has its own budget', async () => {
    const { hits, limiter } = setup()
    await hits(api(jwt), 5)
    const other = await limiter.check(api({ ...jwt, accountId: 'acc-2' }))
    expect(other).toMatchObject({ allowed: true, remaining: 3, bucket: 'api:account:acc-2:session:read' })
  })

  it('behavior: the budget comes back as the window slides over', async () => {
    const { clock, hits, limiter } = setup()
    clock.advance(30_000)
    await hits(signIn('203.0.113.7'), 3)
    const denied = await limiter.check(signIn('203.0.113.7'))
    // 4 counted at 30 s; next window at +30 s, then 4 * (60 - f)/60 <= 2 needs f >= 30 s.
    expect(denied).toMatchObject({ allowed: false, resetSeconds: 30, retryAfterSeconds: 60 })
    // At the roll-over the 4 still weigh fully (the estimate slides, it does not reset to the limit),
    // and this early retry is counted too.
    clock.advance(30_000)
    expect(await limiter.check(signIn('203.0.113.7'))).toMatchObject({ allowed: false, resetSeconds: 60 })
    // One window later only that retry weighs (1 * 1), plus this request: 2 of 3.
    clock.advance(60_000)
    expect(await limiter.check(signIn('203.0.113.7'))).toMatchObject({ allowed: true, remaining: 1 })
    // Two quiet windows later the budget is whole again.
    clock.advance(120_000)
    expect(await limiter.check(signIn('203.0.113.7'))).toMatchObject({ allowed: true, remaining: 2 })
  })

  it('behavior: honouring retry-after is enough', async () => {
    const { clock, hits, limiter } = setup()
    clock.advance(30_000)
    const last = (await hits(signIn('203.0.113.7'), 4))[3]!
    clock.advance(last.retryAfterSeconds! * 1000)
    expect((await limiter.check(signIn('203.0.113.7'))).allowed).toBe(true)
  })

  it('attack: IPv6 clients count by /64: rotating addresses inside one /64 buys no more requests', async () => {
    const { limiter } = setup()
    const outcomes = []
    for (let i = 1; i <= 4; i++) outcomes.push(await limiter.check(signIn(`2001:db8:0:1::${i.toString(16)}`)))
    expect(outcomes.map((o) => o.allowed)).toEqual([true, true, true, false])
    expect(outcomes[0]!.bucket).toBe('sign-in:ip:2001:db8:0:1::/64')
    expect((await limiter.check(signIn('2001:db8:0:2::1'))).allowed).toBe(true)
    // An IPv4-mapped peer is the IPv4 client, whatever the spelling.
    expect((await limiter.check(signIn('::ffff:cb00:7107'))).bucket).toBe('sign-in:ip:203.0.113.7')
  })

  describe("'starknet' group", () => {
    const starknet = (ip: string): RateLimitRequest => ({ group: 'starknet', ip, identity: null })

    it('behavior: its own per-IP budget, apart from sign-in', async () => {
      const { hits, limiter } = setup({ starknetGlobalPerSecond: 100 })
      const outcomes = await hits(starknet('203.0.113.7'), 4)
      expect(outcomes.map((o) => [o.allowed, o.policyName])).toEqual([
        [true, 'starknet'],
        [true, 'starknet'],
        [true, 'starknet'],
        [false, 'starknet'],
      ])
      expect((await limiter.check(signIn('203.0.113.7'))).allowed).toBe(true)
    })

    it('attack: a flood spread over many IPs is shed by the server-wide budget, per second', async () => {
      const { limiter, clock } = setup()
      const outcomes = []
      for (let i = 0; i < 8; i++) outcomes.push(await limiter.check(starknet(`198.51.100.${i}`)))
      expect(outcomes.map((o) => o.allowed)).toEqual([true, true, true, true, true, false, false, false])
      expect(outcomes[5]).toMatchObject({ policyName: 'starknet-global', limit: 5, windowSeconds: 1 })
      expect(outcomes[5]!.retryAfterSeconds).toBeGreaterThanOrEqual(1)
      clock.advance(2000)
      expect((await limiter.check(starknet('198.51.100.99'))).allowed).toBe(true)
    })

    it('attack: the per-second global bucket does not reset per-minute counts (one IP stays limited)', async () => {
      const clock = createManualClock(1_000 * 60_000)
      const limiter = createRateLimiter(createMemoryRateLimitStore(), clock, {
        ...policy,
        starknetGlobalPerSecond: 100,
      })
      const allowed = []
      for (let i = 0; i < 20; i++) {
        allowed.push((await limiter.check(starknet('203.0.113.7'))).allowed)
        clock.advance(1_500)
      }
      expect(allowed.filter(Boolean)).toHaveLength(3)
    })

    it('attack: one client bursting takes only its share of the global budget; another still gets through', async () => {
      // Global 8 per second, 25% each: one client gets 2 of them per second, whatever it sends.
      const { limiter } = setup({ starknetPerMinute: 60, starknetGlobalPerSecond: 8, globalSharePercent: 25 })
      const burst = []
      for (let i = 0; i < 30; i++) burst.push(await limiter.check(starknet('203.0.113.7')))
      expect(burst.filter((o) => o.allowed)).toHaveLength(2)
      expect(burst[2]).toMatchObject({
        allowed: false,
        policyName: 'starknet-global-share',
        bucket: 'starknet:global:share:203.0.113.7',
        limit: 2,
        windowSeconds: 1,
      })
      expect(burst[2]!.retryAfterSeconds).toBeGreaterThanOrEqual(1)
      // The same from the client's other addresses in its /64 (IPv6): one client, one share.
      const v6 = []
      for (let i = 1; i <= 5; i++) v6.push((await limiter.check(starknet(`2001:db8::${i}`))).allowed)
      expect(v6).toEqual([true, true, false, false, false])
      // 4 of 8 spent: other clients still get the rest.
      const others = []
      for (let i = 0; i < 4; i++) others.push((await limiter.check(starknet(`198.51.100.${i}`))).allowed)
      expect(others).toEqual([true, true, true, true])
    })

    it('behavior: a share is at least one request, whatever the percentage', async () => {
      const { limiter } = setup({ starknetGlobalPerSecond: 3, globalSharePercent: 1 })
      expect((await limiter.check(starknet('203.0.113.7'))).allowed).toBe(true)
      expect(await limiter.check(starknet('203.0.113.7'))).toMatchObject({ allowed: false, limit: 1 })
    })

    it('attack: requests refused per IP do not spend the global budget', async () => {
      const { hits, limiter } = setup()
      await hits(starknet('203.0.113.7'), 20)
      // 3 allowed for that IP; its 17 refusals never reached the global count (limit 5).
      const others = []
      for (let i = 0; i < 2; i++) others.push((await limiter.check(starknet(`198.51.100.${i}`))).allowed)
      expect(others).toEqual([true, true])
    })
  })
})
