import { type AddressInfo, connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'
import { createKey, type SignedIn, signedIn, splitApiKey } from './support/api-keys.js'
import { cookieSession, EVIL_ORIGIN, SAME_ORIGIN, withCookie } from './support/cookie-session.js'
import { expectProblem } from './support/problem.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet } from './support/wallet.js'

/** The original request, as Traefik and Caddy state it. */
const forwarded = (method: string, uri: string) => ({ 'x-forwarded-method': method, 'x-forwarded-uri': uri })
/** The original request, as an nginx auth_request config states it. */
const original = (method: string, uri: string) => ({ 'x-original-method': method, 'x-original-uri': uri })

const VENUE_POLICY = [
  { methods: ['GET'], path: '/api/markets', access: 'public' },
  { methods: ['GET'], path: '/api/markets/{market}', access: 'public' },
  { path: '/api/account/*', access: 'session' },
  { path: '/api/admin/*', access: 'deny' },
  { methods: ['GET'], path: '/api/*', access: 'read' },
  { methods: ['POST', 'DELETE'], path: '/api/orders', access: 'trade' },
]

let server: TestServer
afterEach(() => server?.close())

/** Sends raw header lines over a socket (inject cannot repeat a header line) and reads the status. */
function rawStatus(port: number, lines: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`),
    )
    let answer = ''
    socket.on('data', (chunk) => (answer += chunk))
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)))
    socket.on('error', reject)
  })
}

async function verify(headers: Record<string, string>, method: 'GET' | 'POST' | 'HEAD' = 'GET') {
  return server.app.inject({ method, url: '/v1/verify', headers })
}

async function keys(account: SignedIn) {
  const read = await createKey(server, account, { name: 'read', scope: 'read' })
  const trade = await createKey(server, account, { name: 'trade', scope: 'trade' })
  return { read, trade }
}

describe('GET /v1/verify without a route policy', () => {
  it('default: a read key may GET and not POST; a trade key may both; identity headers on 200', async () => {
    server = await startTestServer()
    const account = await signedIn(server)
    const { read, trade } = await keys(account)

    const get = await verify({ 'x-api-key': read.secret, ...forwarded('GET', '/api/orders?limit=5') })
    expect(get.statusCode).toBe(200)
    expect(get.headers).toMatchObject({
      'x-sigil-account': account.accountId,
      'x-sigil-wallet': account.wallet.address,
      'x-sigil-credential': 'api_key',
      'x-sigil-scope': 'read',
      'x-sigil-key-id': splitApiKey(read.secret).id,
      'cache-control': 'no-store',
      'x-ratelimit-remaining': expect.any(String),
    })
    expect(get.headers['x-sigil-assertion']).toBeUndefined()
    expect(get.json()).toEqual({
      access: 'granted',
      method: 'GET',
      path: '/api/orders?limit=5',
      accountId: account.accountId,
      credential: 'api_key',
      scopes: ['read'],
    })

    const post = await verify({ 'x-api-key': read.secret, ...forwarded('POST', '/api/orders') })
    expectProblem(post, 403, 'SCOPE_MISSING', { headers: { 'x-ratelimit-limit': /^\d+$/ } })
    expect(post.headers['x-sigil-account']).toBeUndefined()

    for (const method of ['POST', 'DELETE', 'PUT', 'PATCH', 'GET', 'HEAD', 'OPTIONS']) {
      const response = await verify({ authorization: `Bearer ${trade.secret}`, ...forwarded(method, '/x') })
      expect([method, response.statusCode, response.headers['x-sigil-scope']]).toEqual([
        method,
        200,
        'read trade',
      ])
    }
  })

  it('behavior: a JWT gives the wallet and no key id; nginx headers work as Traefik ones', async () => {
    server = await startTestServer()
    const account = await signedIn(server)
    const response = await verify({ ...account.headers, ...original('DELETE', '/api/orders/42') })
    expect(response.statusCode).toBe(200)
    expect(response.headers).toMatchObject({
      'x-sigil-account': account.accountId,
      'x-sigil-wallet': account.wallet.address,
      'x-sigil-credential': 'jwt',
      'x-sigil-acting-accounts': account.accountId,
    })
    expect(response.headers['x-sigil-key-id']).toBeUndefined()
    expect(response.json()).toMatchObject({ method: 'DELETE', path: '/api/orders/42' })
  })

  it('behavior: any method reaches the endpoint (Envoy keeps the client method); the headers decide', async () => {
    server = await startTestServer()
    const account = await signedIn(server)
    const { read } = await keys(account)
    const viaPost = await verify({ 'x-api-key': read.secret, ...forwarded('GET', '/a') }, 'POST')
    expect(viaPost.statusCode).toBe(200)
    const head = await verify({ 'x-api-key': read.secret, ...forwarded('POST', '/a') }, 'HEAD')
    expect(head.statusCode).toBe(403)
    // Envoy's ext_authz asks at path_prefix + the original path, with the client's method.
    const envoy = (method: 'GET' | 'POST', path: string) =>
      server.app.inject({
        method,
        url: `/v1/verify${path}`,
        headers: { 'x-api-key': read.secret, ...forwarded(method, path) },
      })
    expect((await envoy('GET', '/api/orders?x=1')).statusCode).toBe(200)
    expectProblem(await envoy('POST', '/api/orders'), 403, 'SCOPE_MISSING')
    // The headers decide, not the path below /v1/verify/; without them nothing is guessed.
    const bare = await server.app.inject({
      url: '/v1/verify/api/orders',
      headers: { 'x-api-key': read.secret },
    })
    expectProblem(bare, 400, 'FORWARDED_REQUEST_INVALID')
  })

  it('attack: no credential is 401 with a problem body, counted against the client IP', async () => {
    server = await startTestServer()
    const response = await verify(forwarded('GET', '/api/orders'))
    expectProblem(response, 401, 'CREDENTIAL_MISSING', {
      headers: { 'www-authenticate': 'Bearer', ratelimit: /^"anonymous";/ },
    })
  })

  it('attack: a missing, repeated, malformed or contradictory original request is refused, never guessed', async () => {
    server = await startTestServer()
    const account = await signedIn(server)
    const cases: Record<string, string>[] = [
      {},
      { 'x-forwarded-method': 'GET' },
      { 'x-forwarded-uri': '/api/orders' },
      { 'x-original-uri': '/api/orders' },
      forwarded('GE T', '/a'),
      forwarded('GET, POST', '/a'),
      forwarded('', '/a'),
      forwarded('GET', ''),
      forwarded('GET', 'api/orders'),
      forwarded('GET', 'http://venue.example/api/orders'),
      forwarded('GET', '/api/../admin'),
      forwarded('GET', '/api/%2e%2e/admin'),
      forwarded('GET', '/api/a%2fb'),
      forwarded('GET', '//api'),
      forwarded('GET', `/${'a'.repeat(9000)}`),
      { ...forwarded('GET', '/public'), ...original('POST', '/api/orders') },
      { ...forwarded('GET', '/api/orders'), ...original('GET', '/public') },
    ]
    for (const headers of cases) {
      const response = await verify({ ...account.headers, ...headers })
      expect([headers, response.statusCode, response.json().code]).toEqual([
        headers,
        400,
        'FORWARDED_REQUEST_INVALID',
      ])
      expect(response.headers['x-sigil-account']).toBeUndefined()
    }
    // Both families naming the same request (a proxy chain that sets both) is fine.
    const both = await verify({ ...account.headers, ...forwarded('get', '/a'), ...original('GET', '/a') })
    expect(both.statusCode).toBe(200)
  })

  it('attack: original-method or original-URI header lines sent twice (over a real socket) are refused, even when they agree', async () => {
    server = await startTestServer()
    const account = await signedIn(server)
    await server.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = server.app.server.address() as AddressInfo
    const cases = [
      ['X-Original-Method: GET', 'X-Original-Method: POST', 'X-Original-URI: /api/orders'],
      ['X-Original-Method: GET', 'X-Original-Method: GET', 'X-Original-URI: /api/orders'],
      ['X-Original-Method: GET', 'X-Original-URI: /api/orders', 'X-Original-URI: /api/admin'],
      ['X-Forwarded-Method: GET', 'X-Forwarded-Uri: /a', 'x-forwarded-uri: /a'],
    ]
    for (const lines of cases) {
      const status = await rawStatus(port, [
        'GET /v1/verify HTTP/1.1',
        'Host: 127.0.0.1',
        `Authorization: ${account.headers.authorization}`,
        ...lines,
      ])
      expect([lines, status]).toEqual([lines, 400])
    }
  })

  it('attack: every method but GET, HEAD and OPTIONS needs trade and, for a cookie, the same-origin check (PROPPATCH, TRACE, made-up ones)', async () => {
    server = await startTestServer()
    const account = await signedIn(server)
    const { read, trade } = await keys(account)
    for (const method of ['PROPPATCH', 'MKCOL', 'TRACE', 'CONNECT', 'PURGE', 'FOO']) {
      const byRead = await verify({ 'x-api-key': read.secret, ...forwarded(method, '/api/x') })
      expect([method, byRead.statusCode, byRead.json().code]).toEqual([method, 403, 'SCOPE_MISSING'])
      const byTrade = await verify({ 'x-api-key': trade.secret, ...original(method, '/api/x') })
      expect([method, byTrade.statusCode]).toEqual([method, 200])
    }
    const session = await cookieSession(server.app, newWallet(), server.clock.now())
    const ask = (headers: Record<string, string>) =>
      withCookie(server.app, session.value, { method: 'GET', url: '/v1/verify', headers })
    for (const method of ['PROPPATCH', 'TRACE', 'FOO']) {
      expectProblem(await ask({ ...EVIL_ORIGIN, ...original(method, '/api/x') }), 403, 'CSRF_REJECTED')
      expectProblem(await ask(original(method, '/api/x')), 403, 'CSRF_REJECTED')
      expect((await ask({ ...SAME_ORIGIN, ...original(method, '/api/x') })).statusCode).toBe(200)
    }
    for (const method of ['GET', 'HEAD', 'OPTIONS'])
      expect((await ask({ ...EVIL_ORIGIN, ...original(method, '/api/x') })).statusCode).toBe(200)
  })

  it('attack: the fixed-scope forms refuse a listed, malformed or contradicted original method (a client cannot add X-Forwarded-Method beside nginx’s X-Original-Method), and judge PROPPATCH unsafe', async () => {
    server = await startTestServer()
    const account = await signedIn(server)
    const { trade } = await keys(account)
    const session = await cookieSession(server.app, newWallet(), server.clock.now())
    for (const url of ['/v1/verify/read', '/v1/verify/trade']) {
      for (const headers of [
        { 'x-original-method': 'POST', 'x-forwarded-method': 'GET' },
        { 'x-forwarded-method': 'GET, POST' },
        { 'x-original-method': 'GE T' },
        { 'x-original-method': '' },
      ]) {
        const byKey = await server.app.inject({ url, headers: { 'x-api-key': trade.secret, ...headers } })
        expect([url, headers, byKey.statusCode, byKey.json().code]).toEqual([
          url,
          headers,
          400,
          'FORWARDED_REQUEST_INVALID',
        ])
        const byCookie = await withCookie(server.app, session.value, {
          url,
          headers: { ...SAME_ORIGIN, ...headers },
        })
        expect([url, headers, byCookie.statusCode]).toEqual([url, headers, 400])
      }
      // Both families agreeing is a proxy chain, not a conflict.
      const agreeing = { 'x-original-method': 'get', 'x-forwarded-method': 'GET' }
      expect(
        (await server.app.inject({ url, headers: { 'x-api-key': trade.secret, ...agreeing } })).statusCode,
      ).toBe(200)
      const proppatch = await withCookie(server.app, session.value, {
        url,
        headers: { ...EVIL_ORIGIN, 'x-original-method': 'PROPPATCH' },
      })
      expectProblem(proppatch, 403, 'CSRF_REJECTED')
    }
  })

  it('attack: a cookie session is judged for CSRF on the original method', async () => {
    server = await startTestServer()
    const session = await cookieSession(server.app, newWallet(), server.clock.now())
    const ask = (headers: Record<string, string>) =>
      withCookie(server.app, session.value, { method: 'GET', url: '/v1/verify', headers })
    expectProblem(await ask({ ...EVIL_ORIGIN, ...forwarded('POST', '/api/orders') }), 403, 'CSRF_REJECTED')
    expect((await ask({ ...SAME_ORIGIN, ...forwarded('POST', '/api/orders') })).statusCode).toBe(200)
    // A cross-site GET is a read: no CSRF question.
    const read = await ask({ ...EVIL_ORIGIN, ...forwarded('GET', '/api/orders') })
    expect([read.statusCode, read.headers['x-sigil-credential']]).toEqual([200, 'cookie'])
  })

  it('behavior: a rate-limited caller gets 429 with Retry-After and the rate-limit headers', async () => {
    server = await startTestServer({ rateLimitAnonymousPerMinute: 2 })
    const responses = []
    for (let i = 0; i < 3; i++) responses.push(await verify(forwarded('GET', '/api/orders')))
    expect(responses.map((r) => r.statusCode)).toEqual([401, 401, 429])
    expectProblem(responses[2]!, 429, 'RATE_LIMITED', {
      headers: { 'retry-after': /^\d+$/, 'x-ratelimit-remaining': '0' },
    })
  })

  it('behavior: the fixed-scope forms stay as they were', async () => {
    server = await startTestServer()
    const account = await signedIn(server)
    const { read } = await keys(account)
    const r = await server.app.inject({ url: '/v1/verify/read', headers: { 'x-api-key': read.secret } })
    const t = await server.app.inject({ url: '/v1/verify/trade', headers: { 'x-api-key': read.secret } })
    expect([r.statusCode, t.statusCode]).toEqual([200, 403])
    expect(r.json()).toEqual({ accountId: account.accountId, credential: 'api_key', scopes: ['read'] })
  })
})

describe('GET /v1/verify with a route policy', () => {
  it('behavior: the policy decides; unnamed and denied paths are 403 ROUTE_DENIED', async () => {
    server = await startTestServer({ routePolicy: VENUE_POLICY })
    const account = await signedIn(server)
    const { read, trade } = await keys(account)
    const cases: [Record<string, string>, string, string, number, string?][] = [
      [{ 'x-api-key': read.secret }, 'GET', '/api/orders', 200],
      [{ 'x-api-key': read.secret }, 'POST', '/api/orders', 403, 'SCOPE_MISSING'],
      [{ 'x-api-key': trade.secret }, 'POST', '/api/orders', 200],
      // No rule names PUT /api/orders: denied whoever asks.
      [{ 'x-api-key': trade.secret }, 'PUT', '/api/orders', 403, 'ROUTE_DENIED'],
      [account.headers, 'GET', '/other', 403, 'ROUTE_DENIED'],
      [account.headers, 'GET', '/api/admin/users', 403, 'ROUTE_DENIED'],
      [{}, 'GET', '/api/admin/users', 403, 'ROUTE_DENIED'],
      // session: a wallet sign-in, never an API key.
      [{ 'x-api-key': trade.secret }, 'GET', '/api/account/profile', 403, 'SCOPE_MISSING'],
      [account.headers, 'POST', '/api/account/profile', 200],
      [{}, 'GET', '/api/orders', 401, 'CREDENTIAL_MISSING'],
    ]
    for (const [credential, method, uri, status, code] of cases) {
      const response = await verify({ ...credential, ...forwarded(method, uri) })
      const label = `${method} ${uri} ${Object.keys(credential).join()}`
      expect([label, response.statusCode]).toEqual([label, status])
      if (code) expectProblem(response, status, code)
    }
  })

  it('behavior: a public path answers 200 with no identity headers, with or without a credential', async () => {
    server = await startTestServer({ routePolicy: VENUE_POLICY })
    const account = await signedIn(server)
    for (const headers of [{}, account.headers, { 'x-api-key': 'sgl_sk_not-a-key' }]) {
      const response = await verify({ ...headers, ...forwarded('GET', '/api/markets/BTC-USD') })
      expect(response.statusCode).toBe(200)
      expect(Object.keys(response.headers).filter((name) => name.startsWith('x-sigil-'))).toEqual([])
      expect(response.json()).toEqual({ access: 'public', method: 'GET', path: '/api/markets/BTC-USD' })
    }
    // HEAD follows GET; POST on the same path is named by no rule.
    expect((await verify(forwarded('HEAD', '/api/markets'))).statusCode).toBe(200)
    expectProblem(await verify(forwarded('POST', '/api/markets')), 403, 'ROUTE_DENIED')
  })
})

describe('routePolicy configuration', () => {
  it('attack: a malformed rule stops the start, naming its index', () => {
    const bad = [
      { path: '/a', access: 'read' },
      { methods: ['get'], path: '/b', access: 'read' },
    ]
    expect(() => loadConfig({ flags: { routePolicy: bad } })).toThrow(ConfigError)
    expect(() => loadConfig({ flags: { routePolicy: bad } })).toThrow(/routePolicy: rule 1: method "get"/)
    expect(() => loadConfig({ flags: { routePolicy: [{ path: '/a//b', access: 'read' }] } })).toThrow(
      /routePolicy: rule 0: .*empty segment/,
    )
    expect(() => loadConfig({ flags: { routePolicy: [{ path: '/a', access: 'admin' }] } })).toThrow(
      /routePolicy/,
    )
  })

  it('behavior: SIGIL_ROUTE_POLICY is JSON text; text that is not JSON is a config error', () => {
    const config = loadConfig({ env: { SIGIL_ROUTE_POLICY: JSON.stringify(VENUE_POLICY) } })
    expect(config.routePolicy).toEqual(VENUE_POLICY)
    expect(() => loadConfig({ env: { SIGIL_ROUTE_POLICY: '/api/*=read' } })).toThrow(/routePolicy/)
  })
})

describe('X-Sigil-Assertion', () => {
  it('default: off unless verifyAssertionAudience is set; then a 10 s JWT of the JWKS key', async () => {
    server = await startTestServer({ verifyAssertionAudience: 'https://engine.internal' })
    const account = await signedIn(server)
    const response = await verify({ ...account.headers, ...forwarded('POST', '/api/orders?x=1') })
    const assertion = String(response.headers['x-sigil-assertion'])
    const [header, payload] = assertion
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')))
    expect(header).toEqual({
      alg: 'ES256',
      kid: server.gateway.jwks().keys[0]!.kid,
      typ: 'sigil-assertion+jwt',
    })
    expect(payload).toEqual({
      iss: server.config.jwtIssuer,
      aud: 'https://engine.internal',
      sub: account.accountId,
      iat: Math.floor(server.clock.now() / 1000),
      exp: Math.floor(server.clock.now() / 1000) + 10,
      jti: expect.any(String),
      scope: 'read trade account',
      credential: 'jwt',
      method: 'POST',
      path: '/api/orders?x=1',
    })
    // A public answer vouches for nobody: no assertion either.
    const policy = await startTestServer({
      verifyAssertionAudience: 'https://engine.internal',
      routePolicy: [{ path: '/open', access: 'public' }],
    })
    try {
      const open = await policy.app.inject({ url: '/v1/verify', headers: forwarded('GET', '/open') })
      expect([open.statusCode, open.headers['x-sigil-assertion']]).toEqual([200, undefined])
    } finally {
      await policy.close()
    }
  })

  it('attack: an assertion is never accepted as an access token, even with the access-token audience', async () => {
    for (const audience of ['https://engine.internal', undefined]) {
      server = await startTestServer({ verifyAssertionAudience: audience ?? 'placeholder' })
      if (audience === undefined) {
        // Same aud as access tokens: only typ tells them apart, and it does.
        await server.close()
        server = await startTestServer({ verifyAssertionAudience: 'https://app.example' })
        expect(server.config.jwtAudience).toBe('https://app.example')
      }
      const account = await signedIn(server)
      const response = await verify({ ...account.headers, ...forwarded('GET', '/api/orders') })
      const assertion = String(response.headers['x-sigil-assertion'])
      for (const url of ['/v1/auth/me', '/v1/verify/read']) {
        const refused = await server.app.inject({ url, headers: { authorization: `Bearer ${assertion}` } })
        expectProblem(refused, 401, 'TOKEN_INVALID')
      }
      await server.close()
    }
  })
})
