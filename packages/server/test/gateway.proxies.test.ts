import type { AddressInfo } from 'node:net'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { OVERRIDE_HEADERS } from '../src/http/proxy/upstream-headers.js'
import { createKey, type SignedIn, signedIn, splitApiKey } from './support/api-keys.js'
import { type RunningProxy, startCaddy, startNginx } from './support/forward-auth-proxies.js'
import { useTempDir } from './support/temp-dir.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { type Received, startUpstream, type Upstream } from './support/upstream-server.js'

const POLICY = [
  { methods: ['GET'], path: '/api/markets', access: 'public' },
  { path: '/api/admin/*', access: 'deny' },
  { methods: ['GET'], path: '/api/*', access: 'read' },
  { methods: ['POST', 'DELETE'], path: '/api/orders', access: 'trade' },
]
const AUDIENCE = 'https://engine.venue.internal'
const ANONYMOUS_PER_MINUTE = 10

/** What a client adds to pass as someone else: none of it may reach the upstream as identity. */
const FORGED = {
  'x-sigil-account': 'acct_forged',
  'x-sigil-wallet': '0x000000000000000000000000000000000000dEaD',
  'x-sigil-credential': 'jwt',
  'x-sigil-scope': 'read trade account',
  'x-sigil-acting-accounts': 'acct_forged',
  'x-sigil-key-id': 'forged',
  'x-sigil-assertion': 'forged.jwt.value',
}

const sigilHeaders = (request: Received) =>
  Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.startsWith('x-sigil-')))
/** Headers the upstream received with a value (Caddy may send a header it cleared as empty). */
const nonEmptySigilHeaders = (request: Received) =>
  Object.fromEntries(Object.entries(sigilHeaders(request)).filter(([, value]) => value !== ''))

describe.each([
  ['nginx (auth_request)', startNginx],
  ['Caddy (forward_auth)', startCaddy],
] as const)('Sigil behind %s', (_name, startProxy) => {
  const dir = useTempDir('sigil-proxy-')
  let sigil: TestServer
  let sigilUrl: string
  let upstream: Upstream
  let proxy: RunningProxy
  let account: SignedIn
  let readKey: string
  let tradeKey: string

  beforeAll(async () => {
    upstream = await startUpstream()
    sigil = await startTestServer({
      routePolicy: POLICY,
      verifyAssertionAudience: AUDIENCE,
      trustedProxies: ['127.0.0.1'],
      rateLimitAnonymousPerMinute: ANONYMOUS_PER_MINUTE,
    })
    await sigil.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = sigil.app.server.address() as AddressInfo
    sigilUrl = `http://127.0.0.1:${port}`
    account = await signedIn(sigil)
    readKey = (await createKey(sigil, account, { name: 'read', scope: 'read' })).secret
    tradeKey = (await createKey(sigil, account, { name: 'trade', scope: 'trade' })).secret
    proxy = await startProxy(dir(), `127.0.0.1:${port}`, new URL(upstream.url).host)
  }, 30_000)
  // A new rate-limit window for each test (what the others spent does not count), and a fresh JWT.
  beforeEach(async () => {
    sigil.clock.advance(61_000)
    account = await signedIn(sigil, account.wallet)
  })
  afterAll(async () => {
    await proxy?.stop()
    await sigil?.close()
    await upstream?.close()
  })

  /** Sends through the proxy; returns the response and what the upstream received for it, if anything. */
  async function send(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
    const before = upstream.received.length
    const response = await fetch(`${proxy.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    })
    const text = await response.text()
    const received = upstream.received.slice(before)
    return { response, text, received }
  }

  it('behavior: a read key may GET: the upstream sees the verified identity, never the forged one', async () => {
    const { response, text, received } = await send('GET', '/api/orders?limit=5', {
      'x-api-key': readKey,
      ...FORGED,
    })
    expect([response.status, JSON.parse(text)]).toEqual([
      200,
      { upstream: true, method: 'GET', url: '/api/orders?limit=5' },
    ])
    expect(received).toHaveLength(1)
    const seen = received[0]!
    expect(nonEmptySigilHeaders(seen)).toEqual({
      'x-sigil-account': account.accountId,
      'x-sigil-wallet': account.wallet.address,
      'x-sigil-credential': 'api_key',
      'x-sigil-scope': 'read',
      'x-sigil-acting-accounts': account.accountId,
      'x-sigil-key-id': splitApiKey(readKey).id,
      'x-sigil-assertion': expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    })
    // Each identity header arrives once: the client's copy was replaced, not added to.
    for (const value of Object.values(sigilHeaders(seen))) expect(String(value)).not.toContain(',')

    // The backend checks the assertion against Sigil's JWKS, as docs/gateway.md says.
    const jwks = createRemoteJWKSet(new URL(`${sigilUrl}/.well-known/jwks.json`))
    const { payload, protectedHeader } = await jwtVerify(String(seen.headers['x-sigil-assertion']), jwks, {
      issuer: sigil.config.jwtIssuer,
      audience: AUDIENCE,
      typ: 'sigil-assertion+jwt',
      currentDate: new Date(sigil.clock.now()),
    })
    expect(protectedHeader.kid).toBe(sigil.gateway.jwks().keys[0]!.kid)
    expect(payload).toMatchObject({
      sub: account.accountId,
      scope: 'read',
      credential: 'api_key',
      key_id: splitApiKey(readKey).id,
      method: 'GET',
      path: '/api/orders?limit=5',
    })
    expect(payload.exp! - payload.iat!).toBe(10)
  })

  it('behavior: a trade key may POST (the body reaches the upstream); a JWT holder is vouched for too', async () => {
    const post = await send('POST', '/api/orders', { authorization: `Bearer ${tradeKey}` }, '{"size":1}')
    expect(post.response.status).toBe(200)
    expect(post.received[0]).toMatchObject({ method: 'POST', body: '{"size":1}' })
    expect(nonEmptySigilHeaders(post.received[0]!)).toMatchObject({ 'x-sigil-scope': 'read trade' })

    const jwt = await send('DELETE', '/api/orders', { ...account.headers, ...FORGED })
    expect(jwt.response.status).toBe(200)
    expect(nonEmptySigilHeaders(jwt.received[0]!)).toMatchObject({
      'x-sigil-account': account.accountId,
      'x-sigil-credential': 'jwt',
    })
    expect(nonEmptySigilHeaders(jwt.received[0]!)['x-sigil-key-id']).toBeUndefined()
  })

  it('attack: a read key may not POST: 403 SCOPE_MISSING reaches the client with its body', async () => {
    const { response, text, received } = await send('POST', '/api/orders', { 'x-api-key': readKey }, '{}')
    expect(response.status).toBe(403)
    expect(JSON.parse(text)).toMatchObject({ code: 'SCOPE_MISSING', status: 403 })
    expect(received).toEqual([])
  })

  it('attack: no credential is 401 with its body; a forged identity alone gets nowhere', async () => {
    const { response, text, received } = await send('GET', '/api/orders', FORGED)
    expect(response.status).toBe(401)
    expect(JSON.parse(text)).toMatchObject({ code: 'CREDENTIAL_MISSING' })
    expect(response.headers.get('www-authenticate')).toBe('Bearer')
    expect(received).toEqual([])
  })

  it('attack: a path the policy denies is 403 ROUTE_DENIED, even for a full JWT', async () => {
    for (const path of ['/api/admin/users', '/elsewhere']) {
      const { response, text, received } = await send('GET', path, account.headers)
      expect([path, response.status, JSON.parse(text).code]).toEqual([path, 403, 'ROUTE_DENIED'])
      expect(received).toEqual([])
    }
  })

  it('behavior: a public path passes without a credential, and without any identity', async () => {
    const { response, received } = await send('GET', '/api/markets', FORGED)
    expect(response.status).toBe(200)
    expect(nonEmptySigilHeaders(received[0]!)).toEqual({})
  })

  it('attack: a client stating another original request is refused, not believed', async () => {
    const { response, received } = await send('POST', '/api/orders', {
      'x-api-key': readKey,
      'x-forwarded-method': 'GET',
      'x-forwarded-uri': '/api/markets',
      'x-original-method': 'GET',
      'x-original-uri': '/api/markets',
    })
    expect(response.status).toBe(403)
    expect(received).toEqual([])
  })

  it('attack: headers that would rewrite the method, path or host after Sigil decided never reach the upstream', async () => {
    const overrides = Object.fromEntries(
      OVERRIDE_HEADERS.map((name) => [
        name,
        name.includes('method')
          ? 'DELETE'
          : name.includes('host') || name === 'x-forwarded-server'
            ? 'admin.internal'
            : '/api/admin/users',
      ]),
    )
    const { response, received } = await send('GET', '/api/orders', { 'x-api-key': readKey, ...overrides })
    expect(response.status).toBe(200)
    const seen = received[0]!.headers
    for (const name of OVERRIDE_HEADERS) {
      // Caddy sets X-Forwarded-Host itself (the Host it received); never the client's.
      const value = seen[name]
      expect([name, value === undefined || value === '' || !String(value).match(/DELETE|admin/)]).toEqual([
        name,
        true,
      ])
    }
  })

  it('attack: a refused request is counted once by the rate limiter, whatever the proxy asks to answer it', async () => {
    for (const [method, headers, status] of [
      ['GET', {}, 401],
      ['POST', { 'x-api-key': readKey }, 403],
      ['DELETE', {}, 401],
    ] as const) {
      // Two windows on: the sliding window no longer weighs in the previous case's counts.
      sigil.clock.advance(121_000)
      const refused = await send(method, '/api/orders', headers, method === 'GET' ? undefined : '{}')
      expect([method, refused.response.status]).toEqual([method, status])
      expect(JSON.parse(refused.text)).toMatchObject({ status })
      // A refusal is charged to the client IP's anonymous budget (never the key's account): the next
      // anonymous request from the same client (nginx and Caddy state it as 127.0.0.1) is the second.
      const next = await fetch(`${sigilUrl}/v1/verify`, {
        headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/api/orders' },
      })
      const limit = Number(next.headers.get('x-ratelimit-limit'))
      expect([method, status, limit - Number(next.headers.get('x-ratelimit-remaining'))]).toEqual([
        method,
        status,
        2,
      ])
    }
  })

  it('behavior: past the anonymous budget, 429 RATE_LIMITED reaches the client with its headers', async () => {
    let last: Awaited<ReturnType<typeof send>> | undefined
    for (let i = 0; i < 3 * ANONYMOUS_PER_MINUTE; i++) {
      last = await send('GET', '/api/orders')
      if (last.response.status === 429) break
      expect(last.response.status).toBe(401)
    }
    expect(last!.response.status).toBe(429)
    expect(JSON.parse(last!.text)).toMatchObject({ code: 'RATE_LIMITED', status: 429 })
    expect(last!.response.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(last!.response.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(last!.received).toEqual([])
  })
})
