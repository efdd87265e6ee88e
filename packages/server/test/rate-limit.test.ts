import Fastify, { type FastifyRequest, type InjectOptions } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { AuthError } from '../src/core/errors.js'
import type { CredentialKind } from '../src/core/identity.js'
import { createRateLimiter, type RateLimitOutcome } from '../src/core/rate-limit/create-rate-limiter.js'
import { registerProblemDetails } from '../src/http/plugins/problem-details.js'
import { registerRateLimit } from '../src/http/plugins/rate-limit.js'
import { createMemoryRateLimitStore } from '../src/store/memory/rate-limit-store.js'
import { createManualClock } from './support/manual-clock.js'

const policy = {
  signInPerMinute: 3,
  starknetPerMinute: 3,
  starknetGlobalPerSecond: 100,
  anonymousPerMinute: 2,
  accountPerMinute: 4,
  apiKeyPerMinute: 6,
}

/**
 * A small app with the plugin and a fake identify hook: `x-test-credential: jwt:acc-1` (or
 * `api_key:acc-1`, `cookie:acc-1`) stands for a credential that checked out, `bad` for one that failed.
 */
async function buildTestApp(options: { enabled?: boolean; onDenied?: (d: RateLimitOutcome) => void } = {}) {
  const clock = createManualClock()
  const calls = { api: 0, signIn: 0, health: 0, bodiesParsed: 0 }
  const denied: { request: FastifyRequest; outcome: RateLimitOutcome }[] = []
  const app = Fastify()
  registerProblemDetails(app)
  app.decorateRequest('identity', null)
  app.addHook('onRequest', async (request) => {
    const [via, accountId] = String(request.headers['x-test-credential'] ?? '').split(':')
    if (via && accountId) request.identity = { accountId, scopes: ['read'], via: via as CredentialKind }
  })
  registerRateLimit(app, {
    limiter: createRateLimiter(createMemoryRateLimitStore(), clock, policy),
    enabled: options.enabled ?? true,
    onDenied: (request, outcome) => {
      denied.push({ request, outcome })
      options.onDenied?.(outcome)
    },
  })
  // Counts body parsing, to show a denied request is answered before its body is read.
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    calls.bodiesParsed++
    done(null, JSON.parse(String(body)))
  })
  app.get('/api/orders', async () => {
    calls.api++
    return { orders: [] }
  })
  app.get('/api/fails', async () => {
    throw new AuthError('SCOPE_MISSING')
  })
  app.post('/auth/nonce', { config: { rateLimit: 'sign-in' } }, async () => {
    calls.signIn++
    return { nonce: 'n' }
  })
  app.get('/healthz', { config: { rateLimit: 'none' } }, async () => {
    calls.health++
    return { status: 'ok' }
  })
  await app.ready()
  return { app, clock, calls, denied }
}

let close: (() => Promise<unknown>) | undefined
afterEach(() => close?.())

async function setup(options?: Parameters<typeof buildTestApp>[0]) {
  const built = await buildTestApp(options)
  close = () => built.app.close()
  const send = (request: InjectOptions) => built.app.inject({ remoteAddress: '203.0.113.7', ...request })
  const get = (url: string, credential?: string) =>
    send({ method: 'GET', url, headers: credential ? { 'x-test-credential': credential } : {} })
  const nonce = (remoteAddress = '203.0.113.7') =>
    send({ method: 'POST', url: '/auth/nonce', payload: { address: '0xabc' }, remoteAddress })
  return { ...built, send, get, nonce }
}

const fields = (headers: Record<string, unknown>) => ({
  limit: headers['x-ratelimit-limit'],
  remaining: headers['x-ratelimit-remaining'],
  reset: headers['x-ratelimit-reset'],
  policy: headers['ratelimit-policy'],
  ratelimit: headers.ratelimit,
})

describe('rate-limit plugin', () => {
  it('default', async () => {
    const { get } = await setup()
    const response = await get('/api/orders')
    expect(response.statusCode).toBe(200)
    expect(fields(response.headers)).toEqual({
      limit: '2',
      remaining: '1',
      reset: '60',
      policy: '"anonymous";q=2;w=60',
      ratelimit: '"anonymous";r=1;t=60',
    })
    expect(response.headers['retry-after']).toBeUndefined()
  })

  it("behavior: remaining counts down per tier; an account's sessions share theirs, its keys theirs", async () => {
    const { get } = await setup()
    const jwt = await get('/api/orders', 'jwt:acc-1')
    expect(fields(jwt.headers)).toMatchObject({ limit: '4', remaining: '3', policy: '"account";q=4;w=60' })
    const key = await get('/api/orders', 'api_key:acc-1')
    expect(fields(key.headers)).toMatchObject({ limit: '6', remaining: '5', ratelimit: '"api-key";r=5;t=60' })
    const cookie = await get('/api/orders', 'cookie:acc-1')
    expect(fields(cookie.headers)).toMatchObject({ remaining: '2', policy: '"account";q=4;w=60' })
  })

  it('error: 429 with Retry-After and a problem body at the limit; the handler is not run', async () => {
    const { get, calls, denied } = await setup()
    expect((await get('/api/orders')).statusCode).toBe(200)
    expect((await get('/api/orders')).statusCode).toBe(200)
    const response = await get('/api/orders')
    expect(response.statusCode).toBe(429)
    // 3 counted at 0 s must decay to 1 in the next window: 3 * (60 - f)/60 <= 1 at f = 40 s.
    expect(response.headers['retry-after']).toBe('100')
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(response.json()).toEqual({
      type: 'urn:sigil:error:RATE_LIMITED',
      title: 'Too many requests',
      status: 429,
      code: 'RATE_LIMITED',
    })
    expect(fields(response.headers)).toMatchObject({ remaining: '0', ratelimit: '"anonymous";r=0;t=60' })
    expect(calls.api).toBe(2)
    expect(denied.map((d) => [d.request.url, d.outcome.bucket])).toEqual([
      ['/api/orders', 'api:ip:203.0.113.7'],
    ])
  })

  it('error: a denied sign-in request is answered before its body is parsed', async () => {
    const { nonce, calls } = await setup()
    for (let i = 0; i < 3; i++) expect((await nonce()).statusCode).toBe(200)
    const response = await nonce()
    expect(response.statusCode).toBe(429)
    expect(response.headers['ratelimit-policy']).toBe('"sign-in";q=3;w=60')
    expect(calls).toMatchObject({ signIn: 3, bodiesParsed: 3 })
    // Another IP has its own sign-in budget.
    expect((await nonce('198.51.100.1')).statusCode).toBe(200)
  })

  it('behavior: a failed credential counts against the IP; a 404 too, credential or not', async () => {
    const { get } = await setup()
    expect(fields((await get('/api/orders', 'bad')).headers).policy).toBe('"anonymous";q=2;w=60')
    const missing = await get('/nope', 'jwt:acc-1')
    expect(missing.statusCode).toBe(404)
    expect(fields(missing.headers)).toMatchObject({ remaining: '0', policy: '"anonymous";q=2;w=60' })
  })

  it('behavior: error responses carry the fields too', async () => {
    const { get } = await setup()
    const response = await get('/api/fails', 'jwt:acc-1')
    expect(response.statusCode).toBe(403)
    expect(fields(response.headers)).toMatchObject({ limit: '4', remaining: '3' })
  })

  it("behavior: 'none' routes are unlimited and carry no fields", async () => {
    const { get, calls } = await setup()
    for (let i = 0; i < 10; i++) {
      const response = await get('/healthz')
      expect(response.statusCode).toBe(200)
      expect(fields(response.headers)).toEqual(fields({}))
    }
    expect(calls.health).toBe(10)
  })

  it('behavior: disabled, nothing is counted and no field is sent', async () => {
    const { get, calls } = await setup({ enabled: false })
    for (let i = 0; i < 5; i++) expect(fields((await get('/api/orders')).headers)).toEqual(fields({}))
    expect(calls.api).toBe(5)
  })

  it('behavior: the budget comes back as the window slides', async () => {
    const { get, clock } = await setup()
    clock.advance(30_000)
    await get('/api/orders')
    await get('/api/orders')
    const denied = await get('/api/orders')
    // 3 counted at 30 s must decay to 1 in the next window: 3 * (60 - f)/60 <= 1 at f = 40 s.
    expect(denied.headers).toMatchObject({ 'retry-after': '70', 'x-ratelimit-reset': '30' })
    clock.advance(70_000)
    const allowed = await get('/api/orders')
    expect(allowed.statusCode).toBe(200)
    expect(fields(allowed.headers)).toMatchObject({ remaining: '0', reset: '20' })
  })

  it('error: an onDenied that throws does not turn the 429 into a 500', async () => {
    const { get } = await setup({
      onDenied: () => {
        throw new Error('audit down')
      },
    })
    await get('/api/orders')
    await get('/api/orders')
    expect((await get('/api/orders')).statusCode).toBe(429)
  })
})
