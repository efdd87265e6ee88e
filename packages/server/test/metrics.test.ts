import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AuthError } from '../src/core/errors.js'
import { dependencyOf } from '../src/http/plugins/metrics.js'
import { mapOutage } from '../src/store/postgres/outage.js'
import { redisUnavailable } from '../src/store/redis/redis-errors.js'
import { connect, listenParadex, paradexJwt } from './support/paradex-ws.js'
import { expectProblem } from './support/problem.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { getNonce, newWallet, signedSiwe, signIn } from './support/wallet.js'

/**
 * The value of one sample of the Prometheus text `text`: the line of metric `name` whose labels
 * include every pair of `labels` (undefined when there is none).
 */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`)
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const pairs = (match[2] ?? '').split(/,(?=[a-zA-Z_]\w*=")/)
    if (wanted.every((pair) => pairs.includes(pair))) return Number(match[3])
  }
  return undefined
}

const scrape = async (server: TestServer, headers: Record<string, string> = {}, remoteAddress?: string) => {
  const response = await server.app.inject({
    method: 'GET',
    url: '/metrics',
    headers,
    ...(remoteAddress ? { remoteAddress } : {}),
  })
  return response
}

const metricsText = async (server: TestServer) => {
  const response = await scrape(server)
  expect(response.statusCode).toBe(200)
  return response.body
}

describe('/metrics', () => {
  let server: TestServer
  afterEach(() => server?.close())

  it('behavior: Prometheus text from a loopback peer, every metric family declared', async () => {
    server = await startTestServer()
    const response = await scrape(server)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(response.headers['cache-control']).toBe('no-store')
    for (const name of [
      'sigil_sign_ins_total',
      'sigil_verify_decisions_total',
      'sigil_http_request_duration_seconds',
      'sigil_rate_limit_denials_total',
      'sigil_dependency_errors_total',
      'sigil_revocation_bus_lag_seconds',
      'sigil_revocation_bus_live',
      'sigil_rate_limit_failover',
      'sigil_websockets_open',
    ])
      expect(response.body).toContain(`# TYPE ${name} `)
    expect(sample(response.body, 'sigil_revocation_bus_live')).toBe(1)
    expect(sample(response.body, 'sigil_rate_limit_failover')).toBe(0)
    expect(sample(response.body, 'sigil_websockets_open')).toBe(0)
    // A registry per app: a second server counts nothing of the first's.
    const other = await startTestServer()
    try {
      await signIn(server.app, newWallet(), server.clock.now())
      const text = await metricsText(other)
      expect(sample(text, 'sigil_sign_ins_total', { result: 'success' })).toBeUndefined()
    } finally {
      await other.close()
    }
  })

  it('behavior: sign-ins are counted by dialect and result, a refusal by its code', async () => {
    server = await startTestServer()
    expect((await signIn(server.app, newWallet(), server.clock.now())).statusCode).toBe(200)
    const wallet = newWallet()
    const { message, signature } = await signedSiwe(
      wallet,
      { nonce: await getNonce(server.app), domain: 'evil.example' },
      server.clock.now(),
    )
    const refused = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/siwe',
      payload: { message, signature },
    })
    expectProblem(refused, 401, 'DOMAIN_MISMATCH')

    const text = await metricsText(server)
    const native = { dialect: 'native', credential: 'token' }
    expect(sample(text, 'sigil_sign_ins_total', { ...native, result: 'success', code: '' })).toBe(1)
    expect(
      sample(text, 'sigil_sign_ins_total', { ...native, result: 'failure', code: 'DOMAIN_MISMATCH' }),
    ).toBe(1)
    // Latency by route pattern, method and status class.
    const siwe = { route: '/v1/auth/siwe', method: 'POST' }
    expect(sample(text, 'sigil_http_request_duration_seconds_count', { ...siwe, status_class: '2xx' })).toBe(
      1,
    )
    expect(sample(text, 'sigil_http_request_duration_seconds_count', { ...siwe, status_class: '4xx' })).toBe(
      1,
    )
  })

  it('behavior: verify decisions by outcome and status; latency labels never carry a raw URL', async () => {
    server = await startTestServer()
    const token = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken as string
    const allowed = await server.app.inject({
      method: 'GET',
      url: '/v1/verify/read',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(allowed.statusCode).toBe(200)
    expectProblem(
      await server.app.inject({ method: 'GET', url: '/v1/verify/trade' }),
      401,
      'CREDENTIAL_MISSING',
    )
    await server.app.inject({ method: 'GET', url: '/no/such/path/4242?secret=x' })
    await server.app.inject({ method: 'GET', url: '/v1/auth/sessions/some-session-id-77' })

    const text = await metricsText(server)
    expect(
      sample(text, 'sigil_verify_decisions_total', {
        route: '/v1/verify/read',
        outcome: 'allowed',
        status: '200',
      }),
    ).toBe(1)
    expect(
      sample(text, 'sigil_verify_decisions_total', {
        route: '/v1/verify/trade',
        outcome: 'denied',
        status: '401',
      }),
    ).toBe(1)
    expect(
      sample(text, 'sigil_http_request_duration_seconds_count', {
        route: 'unmatched',
        method: 'any',
        status_class: '4xx',
      }),
    ).toBe(2) // both paths (GET of a session id is no route: only DELETE is)
    expect(text).not.toContain('4242')
    expect(text).not.toContain('some-session-id-77')
  })

  it('behavior: a rate-limit denial is counted by policy', async () => {
    server = await startTestServer({ rateLimitAnonymousPerMinute: 1 })
    await server.app.inject({ method: 'GET', url: '/v1/auth/me' })
    expectProblem(await server.app.inject({ method: 'GET', url: '/v1/auth/me' }), 429, 'RATE_LIMITED')
    const text = await metricsText(server)
    expect(sample(text, 'sigil_rate_limit_denials_total', { policy: 'anonymous' })).toBe(1)
    // The scrape itself is never limited: the budget is spent and it still answers.
    expect((await scrape(server)).statusCode).toBe(200)
  })

  it('behavior: a revocation applied from the bus is timed', async () => {
    server = await startTestServer()
    const token = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken as string
    const logout = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(logout.statusCode).toBeLessThan(300)
    const text = await metricsText(server)
    expect(sample(text, 'sigil_revocation_bus_lag_seconds_count')).toBe(1)
    // One process, a manual clock: applied at once.
    expect(sample(text, 'sigil_revocation_bus_lag_seconds_bucket', { le: '0.001' })).toBe(1)
  })

  it('attack: a non-loopback peer gets the 404 of a route that does not exist', async () => {
    server = await startTestServer()
    const denied = await scrape(server, {}, '10.0.0.1')
    const missing = await server.app.inject({ method: 'GET', url: '/metricz', remoteAddress: '10.0.0.1' })
    expectProblem(denied, 404, 'NOT_FOUND')
    expect(denied.body).toBe(missing.body)
    expect(denied.headers['content-type']).toBe(missing.headers['content-type'])
    expect(denied.body).not.toContain('sigil_')
    // IPv6 loopback is loopback too; an IPv4-mapped loopback address as well.
    expect((await scrape(server, {}, '::1')).statusCode).toBe(200)
    expect((await scrape(server, {}, '::ffff:127.0.0.1')).statusCode).toBe(200)
    expect((await scrape(server, {}, '2001:db8::1')).statusCode).toBe(404)
    // A spoofed X-Forwarded-For changes nothing without trusted proxies.
    expect((await scrape(server, { 'x-forwarded-for': '127.0.0.1' }, '10.0.0.1')).statusCode).toBe(404)
  })

  it('attack: a public client behind a trusted local proxy is not a loopback peer', async () => {
    server = await startTestServer({ trustedProxies: ['127.0.0.1'] })
    expect((await scrape(server, { 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(404)
    expect((await scrape(server)).statusCode).toBe(200)
  })

  it('behavior: metricsAllowFrom replaces loopback; metricsToken opens it from anywhere', async () => {
    const token = 'scrape-token-0123456789abcdef'
    server = await startTestServer({ metricsAllowFrom: ['10.0.0.0/8'], metricsToken: token })
    expect((await scrape(server, {}, '10.1.2.3')).statusCode).toBe(200)
    expect((await scrape(server, {}, '127.0.0.1')).statusCode).toBe(404)
    const elsewhere = '198.51.100.7'
    expect((await scrape(server, { authorization: `Bearer ${token}` }, elsewhere)).statusCode).toBe(200)
    expect((await scrape(server, { authorization: `bearer ${token}` }, elsewhere)).statusCode).toBe(200)
    for (const wrong of [
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${token}x`,
      `Bearer ${token.toUpperCase()}`,
      `Basic ${token}`,
      token,
      'Bearer ',
    ]) {
      const response = await scrape(server, { authorization: wrong }, elsewhere)
      expectProblem(response, 404, 'NOT_FOUND')
    }
    expect((await scrape(server, {}, elsewhere)).statusCode).toBe(404)
  })

  it('error: a metricsAllowFrom entry that is no address or range stops the start', async () => {
    await expect(startTestServer({ metricsAllowFrom: ['localhost'] })).rejects.toThrow(/metricsAllowFrom\/0/)
  })

  it('behavior: the 503 causes are named after their dependency', () => {
    expect(dependencyOf(redisUnavailable(new Error('Connection is closed.')))).toBe('redis')
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    expect(dependencyOf(mapOutage(refused) as AuthError)).toBe('postgres')
    expect(dependencyOf(new AuthError('CHAIN_UNAVAILABLE', 'rpc timeout'))).toBe('chain')
    expect(dependencyOf(new AuthError('SERVICE_UNAVAILABLE'))).toBe('other')
    expect(dependencyOf(new AuthError('TOKEN_INVALID'))).toBeUndefined()
  })
})

describe('/metrics over a real socket', () => {
  let running: Awaited<ReturnType<typeof listenParadex>>
  beforeAll(async () => {
    running = await listenParadex()
  })
  afterAll(() => running.server.close())

  const fetchMetrics = async () => {
    const { port } = running.server.app.server.address() as { port: number }
    const response = await fetch(`http://127.0.0.1:${port}/metrics`)
    expect(response.status).toBe(200)
    return response.text()
  }

  it('behavior: scraped over TCP; open WebSockets and Paradex auths are counted', async () => {
    await paradexJwt(running.server)
    const client = await connect(running.ws)
    let text = await fetchMetrics()
    expect(sample(text, 'sigil_websockets_open', { dialect: 'paradex' })).toBe(1)
    expect(sample(text, 'sigil_websockets_open', { dialect: 'native' })).toBe(0)
    expect(sample(text, 'sigil_sign_ins_total', { dialect: 'paradex', result: 'success', code: '' })).toBe(1)
    client.close()
    await client.closed
    await expect
      .poll(async () => sample(await fetchMetrics(), 'sigil_websockets_open', { dialect: 'paradex' }))
      .toBe(0)
    text = await fetchMetrics()
    expect(sample(text, 'sigil_http_request_duration_seconds_count', { route: '/metrics' })).toBeGreaterThan(
      0,
    )
  })
})
