import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { main } from '../src/cli/main.js'
import { ConfigError, loadConfig } from '../src/config.js'
import { signedIn } from './support/api-keys.js'
import { tempDir, useTempDir } from './support/temp-dir.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet, signedSiwe } from './support/wallet.js'

/** The front proxy Sigil trusts, and the header it sets (Cloudflare's). */
const PROXY = '10.0.0.1'
const GEO = {
  trustedProxies: [PROXY],
  geoCountryHeader: 'CF-IPCountry',
  geoBlockedCountries: ['kp', 'IR'],
}
/** A request as it arrives through the proxy, for a client the proxy placed in `country`. */
const via = (country: string, headers: Record<string, string> = {}) => ({
  remoteAddress: PROXY,
  headers: { 'cf-ipcountry': country, ...headers },
})

/** `text` as `countries.csv` in `dir`: by default a folder removed after the current test. */
const csvFile = (text: string, dir = tempDir('sigil-geo-')) => {
  const path = join(dir, 'countries.csv')
  writeFileSync(path, text)
  return path
}

const problemJson = 'application/problem+json; charset=utf-8'

describe('geo blocking over HTTP (a trusted proxy states the country)', () => {
  let server: TestServer
  afterEach(() => server?.close())
  const inject = (options: InjectOptions) => server.app.inject(options)

  it('behavior: native API: a blocked country is 403 GEO_BLOCKED as problem details, before anything is done', async () => {
    server = await startTestServer(GEO)
    const response = await inject({ method: 'POST', url: '/v1/auth/nonce', payload: {}, ...via('KP') })
    expect(response.statusCode).toBe(403)
    expect(response.headers['content-type']).toBe(problemJson)
    expect(response.json()).toEqual({
      type: 'urn:sigil:error:GEO_BLOCKED',
      title: 'Not available from your location',
      status: 403,
      code: 'GEO_BLOCKED',
      detail: 'country KP',
    })
    // Refused before the rate limiter counted it, and before a nonce was minted.
    expect(response.headers['x-ratelimit-remaining']).toBeUndefined()
  })

  it('behavior: a blocked client is refused before its credential is looked at: a valid JWT and a garbage one alike', async () => {
    server = await startTestServer(GEO)
    const account = await signedIn(server) // from 127.0.0.1, which states no country: allowed
    for (const headers of [account.headers, { authorization: 'Bearer not.a.jwt' }]) {
      const me = await inject({ method: 'GET', url: '/v1/auth/me', ...via('IR', headers) })
      expect([me.statusCode, me.json().code]).toEqual([403, 'GEO_BLOCKED'])
    }
    const verify = await inject({ method: 'GET', url: '/v1/verify/trade', ...via('KP', account.headers) })
    expect([verify.statusCode, verify.json().code]).toEqual([403, 'GEO_BLOCKED'])
    // The same token from an allowed country is the account's as usual.
    const allowed = await inject({ method: 'GET', url: '/v1/auth/me', ...via('CH', account.headers) })
    expect(allowed.statusCode).toBe(200)
  })

  it('behavior: every dialect answers in its own body: EVEDEX, OCX, Paradex GEO_IP_BLOCK', async () => {
    server = await startTestServer(GEO)
    const evedex = await inject({ method: 'GET', url: '/evedex/auth/nonce', ...via('KP') })
    expect([evedex.statusCode, evedex.json()]).toEqual([
      403,
      {
        statusCode: 403,
        message: 'Not available from your location',
        error: 'Forbidden',
        code: 'GEO_BLOCKED',
        detail: 'country KP',
      },
    ])
    const ocx = await inject({ method: 'POST', url: '/ocx/auth/nonce', payload: {}, ...via('KP') })
    expect([ocx.statusCode, ocx.json()]).toEqual([
      403,
      { error: 'GEO_BLOCKED', message: 'Not available from your location (country KP)' },
    ])
    for (const url of [
      '/paradex/v1/onboarding',
      '/paradex/v1/auth',
      '/paradex/v2/auth',
      '/paradex/v1/auth/0x1',
    ]) {
      const paradex = await inject({ method: 'POST', url, ...via('KP') })
      expect([url, paradex.statusCode, paradex.json()]).toEqual([
        url,
        403,
        { error: 'GEO_IP_BLOCK', message: 'Not available from your location (country KP)', data: null },
      ])
    }
  })

  it('behavior: an allowed country signs in as usual (nonce, SIWE, token) through the proxy', async () => {
    server = await startTestServer(GEO)
    const nonce = await inject({ method: 'POST', url: '/v1/auth/nonce', payload: {}, ...via('CH') })
    expect(nonce.statusCode).toBe(200)
    const wallet = newWallet()
    const { message, signature } = await signedSiwe(wallet, { nonce: nonce.json().nonce }, server.clock.now())
    const siwe = await inject({
      method: 'POST',
      url: '/v1/auth/siwe',
      payload: { message, signature },
      ...via('ch'),
    })
    expect(siwe.statusCode).toBe(200)
    expect(siwe.json().accessToken).toEqual(expect.any(String))
  })

  it('security: the header from a peer that is not a trusted proxy is ignored, even with X-Forwarded-For naming the proxy', async () => {
    server = await startTestServer({ ...GEO, geoBlockUnknown: true })
    const spoofed = (remoteAddress: string, headers: Record<string, string>) =>
      inject({ method: 'POST', url: '/v1/auth/nonce', payload: {}, remoteAddress, headers })
    // Claiming an allowed country helps nobody: the country stays unknown, which is blocked here.
    for (const headers of [{ 'cf-ipcountry': 'CH' }, { 'cf-ipcountry': 'CH', 'x-forwarded-for': PROXY }]) {
      const response = await spoofed('198.51.100.7', headers)
      expect([response.statusCode, response.json().detail]).toEqual([403, 'country unknown'])
    }
    // And through the proxy the same header counts.
    expect((await spoofed(PROXY, { 'cf-ipcountry': 'CH' })).statusCode).toBe(200)
  })

  it('security: claiming a blocked country from an untrusted peer changes nothing either (the header is not read)', async () => {
    server = await startTestServer(GEO)
    const response = await inject({
      method: 'POST',
      url: '/v1/auth/nonce',
      payload: {},
      remoteAddress: '198.51.100.7',
      headers: { 'cf-ipcountry': 'KP' },
    })
    expect(response.statusCode).toBe(200)
  })

  it.for([
    [false, 200],
    [true, 403],
  ] as const)(
    'behavior: unknown country (XX, T1, no header) with geoBlockUnknown %s → %i',
    async ([geoBlockUnknown, status]) => {
      server = await startTestServer({ ...GEO, geoBlockUnknown })
      const unknown: InjectOptions['headers'][] = [{ 'cf-ipcountry': 'XX' }, { 'cf-ipcountry': 'T1' }, {}]
      for (const headers of unknown) {
        const response = await inject({
          method: 'POST',
          url: '/v1/auth/nonce',
          payload: {},
          remoteAddress: PROXY,
          ...(headers ? { headers } : {}),
        })
        expect([headers, response.statusCode]).toEqual([headers, status])
        if (status === 403) expect(response.json().detail).toBe('country unknown')
      }
    },
  )

  it('attack: a repeated country header is blocked when any of its values is blocked (a proxy that appends)', async () => {
    server = await startTestServer({ ...GEO, geoBlockUnknown: true })
    const nonce = (country: string[]) =>
      inject({
        method: 'POST',
        url: '/v1/auth/nonce',
        payload: {},
        remoteAddress: PROXY,
        headers: { 'cf-ipcountry': country },
      })
    const blocked = await nonce(['CH', 'KP'])
    expect([blocked.statusCode, blocked.json().detail]).toEqual([403, 'country KP'])
    expect((await nonce(['CH', 'CH'])).statusCode).toBe(200)
  })

  it('behavior: a denial is audited as geo.denied, sampled: one event per client IP per window', async () => {
    server = await startTestServer(GEO)
    for (let i = 0; i < 3; i++)
      await inject({
        method: 'POST',
        url: '/v1/auth/nonce',
        payload: {},
        ...via('KP', { 'x-forwarded-for': '203.0.113.9' }),
      })
    await vi.waitFor(async () =>
      expect(await server.gateway.operator.auditEvents({ limit: 10 })).toHaveLength(1),
    )
    const [event] = await server.gateway.operator.auditEvents({ limit: 10 })
    expect(event).toMatchObject({
      type: 'geo.denied',
      ip: '203.0.113.9',
      detail: { country: 'KP', source: 'proxy', reason: 'country_blocked', route: '/v1/auth/nonce' },
    })
  })
})

/** A plausible request for every route the router holds (params and the proxy's wildcard filled in). */
function routesOfTree(tree: string): [method: string, url: string][] {
  const out: [string, string][] = []
  const stack: string[] = []
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/u.exec(line)
    if (!match) continue
    stack.length = match[1]!.length / 4
    stack.push(match[2]!)
    for (const method of match[3]?.split(', ') ?? [])
      out.push([method, stack.join('').replace(/:\w+/g, 'x').replace(/\*$/, 'orders')])
  }
  return out
}

describe('geo blocking: which routes stay open', () => {
  let server: TestServer
  afterEach(() => server?.close())

  /**
   * Public documents a client needs even to learn that it is blocked, the health probes and the
   * metrics scrape; the WebSocket decides at `auth`.
   */
  const OPEN = [
    'GET /healthz',
    'HEAD /healthz',
    // Probes and the scrape: infrastructure, not a service (/metrics has its own address guard).
    'GET /readyz',
    'HEAD /readyz',
    'GET /metrics',
    'HEAD /metrics',
    'GET /openapi.json',
    'HEAD /openapi.json',
    'GET /.well-known/jwks.json',
    'HEAD /.well-known/jwks.json',
    'GET /paradex/v1/system/config',
    'HEAD /paradex/v1/system/config',
    'GET /paradex/v1/jwks.json',
    'HEAD /paradex/v1/jwks.json',
    'GET /paradex/v1',
    'HEAD /paradex/v1',
  ]

  it('behavior: from a blocked country every route of the router is 403 but the open ones (a new route is blocked by default)', async () => {
    // With an upstream configured, so the Paradex proxy routes exist too (nothing reaches it).
    server = await startTestServer({ ...GEO, 'paradex.upstreamUrl': 'http://127.0.0.1:9' })
    await server.app.ready()
    const routes = routesOfTree(server.app.printRoutes())
    expect(routes.length).toBeGreaterThan(60)
    const open: string[] = []
    for (const [method, url] of routes) {
      const response: LightMyRequestResponse = await server.app.inject({
        method: method as 'GET',
        url,
        ...via('KP'),
      })
      if (response.statusCode !== 403) open.push(`${method} ${url}`)
      else if (method !== 'HEAD') {
        const body = response.json()
        expect([url, body.code ?? body.error]).toEqual([
          url,
          url.startsWith('/paradex/') ? 'GEO_IP_BLOCK' : 'GEO_BLOCKED',
        ])
      }
    }
    expect(open.sort()).toEqual([...OPEN].sort())
  })

  it('behavior: the open routes answer a blocked country as anyone (the WebSocket route without an upgrade: 426)', async () => {
    // The scrape from the (blocked) proxy's address, allowed by metricsAllowFrom: geo is no guard of it.
    server = await startTestServer({ ...GEO, metricsAllowFrom: [PROXY] })
    for (const url of [
      '/healthz',
      '/readyz',
      '/metrics',
      '/openapi.json',
      '/.well-known/jwks.json',
      '/paradex/v1/system/config',
      '/paradex/v1/jwks.json',
    ]) {
      const response = await server.app.inject({ method: 'GET', url, ...via('KP') })
      expect([url, response.statusCode]).toEqual([url, 200])
    }
    const ws = await server.app.inject({ method: 'GET', url: '/paradex/v1', ...via('KP') })
    expect(ws.statusCode).toBe(426)
  })

  it('behavior: an unknown path is 404 for a blocked country too (nothing is behind it)', async () => {
    server = await startTestServer(GEO)
    const response = await server.app.inject({ method: 'GET', url: '/v1/nothing', ...via('KP') })
    expect(response.statusCode).toBe(404)
  })
})

describe('geo blocking: the IP database (geoIpDatabase)', () => {
  let server: TestServer
  afterEach(() => server?.close())
  const folder = useTempDir('sigil-geo-')
  let database: string
  beforeAll(() => {
    database = csvFile(
      [
        '127.0.0.0,127.255.255.255,KP',
        '203.0.113.0,203.0.113.255,CH',
        '198.51.100.0,198.51.100.255,IR',
        '2001:db8::,2001:db8::ffff,KP',
        '2001:db8:1::,2001:db8:1::ffff,DE',
      ].join('\n'),
      folder(),
    )
  })
  const nonce = (options: Partial<InjectOptions> = {}) =>
    server.app.inject({ method: 'POST', url: '/v1/auth/nonce', payload: {}, ...options })

  it('behavior: the client IP is looked up: IPv4 and IPv6 peers, blocked and allowed', async () => {
    server = await startTestServer({ geoIpDatabase: database, geoBlockedCountries: ['KP', 'IR'] })
    const blocked = await nonce() // inject's peer is 127.0.0.1
    expect([blocked.statusCode, blocked.json().detail]).toEqual([403, 'country KP'])
    expect((await nonce({ remoteAddress: '2001:db8::42' })).statusCode).toBe(403)
    expect((await nonce({ remoteAddress: '2001:db8:1::42' })).statusCode).toBe(200)
    expect((await nonce({ remoteAddress: '203.0.113.255' })).statusCode).toBe(200)
    expect((await nonce({ remoteAddress: '198.51.100.0' })).statusCode).toBe(403)
    // In no range: unknown, allowed by default.
    expect((await nonce({ remoteAddress: '192.0.2.1' })).statusCode).toBe(200)
  })

  it('behavior: behind trusted proxies the forwarded client IP is looked up; a stated country wins over the file', async () => {
    server = await startTestServer({ ...GEO, geoIpDatabase: database })
    expect(
      (await nonce({ remoteAddress: PROXY, headers: { 'x-forwarded-for': '198.51.100.7' } })).statusCode,
    ).toBe(403)
    expect(
      (await nonce({ remoteAddress: PROXY, headers: { 'x-forwarded-for': '203.0.113.7' } })).statusCode,
    ).toBe(200)
    const stated = await nonce(via('CH', { 'x-forwarded-for': '198.51.100.7' }))
    expect(stated.statusCode).toBe(200)
    // "XX" states nothing: the file decides.
    expect((await nonce(via('XX', { 'x-forwarded-for': '198.51.100.7' }))).statusCode).toBe(403)
  })

  it('error: a malformed file stops the start with a ConfigError naming the line', async () => {
    const bad = csvFile('1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.0.999,AU\n')
    const start = startTestServer({ geoIpDatabase: bad, geoBlockedCountries: ['KP'] })
    await expect(start).rejects.toBeInstanceOf(ConfigError)
    await expect(start).rejects.toThrow(`geoIpDatabase: ${bad}: line 2: "1.0.0.999" is not an IP address`)
    await expect(
      startTestServer({ geoIpDatabase: '/nonexistent/countries.csv', geoBlockedCountries: ['KP'] }),
    ).rejects.toThrow('geoIpDatabase: /nonexistent/countries.csv cannot be read')
  })
})

describe('geo blocking: `sigil serve` with a bad database', () => {
  it('error: exits 78 (EX_CONFIG) before opening anything, naming the file and the line', async () => {
    const bad = csvFile('1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.0.999,AU\n')
    const config = join(tempDir('sigil-geo-'), 'sigil.json')
    writeFileSync(
      config,
      JSON.stringify({
        geoIpDatabase: bad,
        geoBlockedCountries: ['KP'],
        databaseUrl: 'sqlite::memory:',
        port: 0,
        publicUrl: 'http://localhost:9',
      }),
    )
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      expect(await main(['serve', '--config', config])).toBe(78)
      expect(stderr.mock.calls.join('')).toContain(
        `geoIpDatabase: ${bad}: line 2: "1.0.0.999" is not an IP address`,
      )
    } finally {
      stderr.mockRestore()
    }
  })
})

describe('geo blocking: configuration', () => {
  const problemsOf = (flags: Record<string, unknown>): string[] => {
    try {
      loadConfig({ flags })
    } catch (error) {
      if (error instanceof ConfigError) return error.problems
      throw error
    }
    throw new Error('expected a ConfigError')
  }

  it('default: off (no country blocked, unknown allowed, no source); a country header from anyone changes nothing', async () => {
    const config = loadConfig()
    expect([
      config.geoBlockedCountries,
      config.geoBlockUnknown,
      config.geoCountryHeader,
      config.geoIpDatabase,
    ]).toEqual([[], false, undefined, undefined])
    const server = await startTestServer()
    try {
      expect(server.gateway.geo.enabled).toBe(false)
      const response = await server.app.inject({
        method: 'POST',
        url: '/v1/auth/nonce',
        payload: {},
        headers: { 'cf-ipcountry': 'KP', 'x-country-code': 'KP' },
      })
      expect(response.statusCode).toBe(200)
    } finally {
      await server.close()
    }
  })

  it('behavior: codes in any case come out upper-case and deduplicated; the header name lower-case', () => {
    const config = loadConfig({ flags: GEO })
    expect(config.geoBlockedCountries).toEqual(['KP', 'IR'])
    expect(config.geoCountryHeader).toBe('cf-ipcountry')
    const env = loadConfig({
      env: {
        SIGIL_GEO_BLOCKED_COUNTRIES: 'cu,KP',
        SIGIL_GEO_IP_DATABASE: '/var/lib/sigil/countries.csv',
        SIGIL_GEO_BLOCK_UNKNOWN: 'true',
      },
    })
    expect([env.geoBlockedCountries, env.geoBlockUnknown]).toEqual([['CU', 'KP'], true])
  })

  it('error: a code that names no country, with a hint for UK', () => {
    expect(problemsOf({ ...GEO, geoBlockedCountries: ['UK', 'XX'] })).toEqual([
      'geoBlockedCountries/0: "UK" is not an ISO 3166-1 alpha-2 country code (the United Kingdom is GB)',
      'geoBlockedCountries/1: "XX" is not an ISO 3166-1 alpha-2 country code',
    ])
    expect(problemsOf({ ...GEO, geoBlockedCountries: ['K'] })).toEqual([
      "geoBlockedCountries.0: Expected string to match '^[A-Za-z]{2}$'",
    ])
  })

  it('error: a country header without trusted proxies would never be believed', () => {
    expect(problemsOf({ geoCountryHeader: 'cf-ipcountry', geoBlockedCountries: ['KP'] })).toEqual([
      'geoCountryHeader: needs trustedProxies (the header is believed only from them)',
    ])
  })

  it('error: blocking with no source of countries', () => {
    expect(problemsOf({ geoBlockedCountries: ['KP'] })).toEqual([
      "geoBlockedCountries: set, but neither geoCountryHeader nor geoIpDatabase can tell a client's country",
    ])
    expect(problemsOf({ geoBlockUnknown: true })).toEqual([
      "geoBlockUnknown: set, but neither geoCountryHeader nor geoIpDatabase can tell a client's country",
    ])
  })

  it('error: a header name that is not an HTTP token', () => {
    expect(problemsOf({ ...GEO, geoCountryHeader: 'cf ipcountry' })[0]).toMatch(/^geoCountryHeader: /)
  })
})
