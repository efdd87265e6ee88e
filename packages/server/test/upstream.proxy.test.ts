import { randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'
import { OVERRIDE_HEADERS } from '../src/http/proxy/upstream-headers.js'
import { createKey, type SignedIn, signedIn } from './support/api-keys.js'
import { cookieSession, EVIL_ORIGIN, SAME_ORIGIN, withCookie } from './support/cookie-session.js'
import { expectProblem } from './support/problem.js'
import { startTestServer, TEST_PUBLIC_URL, type TestServer } from './support/test-server.js'
import { deadUpstreamUrl, type Received, startUpstream, type Upstream } from './support/upstream-server.js'
import { newWallet } from './support/wallet.js'

/** Everything a client could send to pass for someone else, or to leak a credential upstream. */
const FORGED = {
  'x-sigil-account': '0xattacker',
  'X-Sigil-Scope': 'read trade account',
  'x-sigil-assertion': 'forged.jwt.value',
  'x-sigil-anything': 'spoofed',
  x_sigil_account: '0xvictim',
  'x-forwarded-for': '6.6.6.6',
  forwarded: 'for=6.6.6.6',
}

function expectNoForgery(received: Received) {
  const { headers } = received
  expect(headers.authorization).toBeUndefined()
  expect(headers['x-api-key']).toBeUndefined()
  expect(headers.x_sigil_account).toBeUndefined()
  expect(headers['x-sigil-anything']).toBeUndefined()
  expect(headers.forwarded).toBeUndefined()
  expect(headers['x-forwarded-for']).not.toContain('6.6.6.6')
  expect(headers['x-sigil-assertion']).not.toBe('forged.jwt.value')
}

describe('reverse-proxy mode (upstreamUrl)', () => {
  let upstream: Upstream
  let server: TestServer
  let user: SignedIn
  let readKey: string

  const start = async (flags: Record<string, unknown> = {}) => {
    server = await startTestServer({ upstreamUrl: upstream.url, ...flags })
    user = await signedIn(server)
    readKey = (await createKey(server, user, { scope: 'read' })).secret
  }
  beforeEach(async () => {
    upstream = await startUpstream((request, response) => {
      response.writeHead(request.url.startsWith('/created') ? 201 : 200, {
        'content-type': 'application/json',
        'x-upstream': 'yes',
        'access-control-allow-origin': TEST_PUBLIC_URL,
        'access-control-allow-credentials': 'true',
      })
      response.end(JSON.stringify({ method: request.method, url: request.url, bytes: request.body.length }))
    })
    await start()
  })
  afterEach(async () => {
    await server.close()
    await upstream.close()
  })

  it('behavior: a read key GET reaches the upstream with method, query and identity; credentials and forged headers stripped; status, headers and rate-limit headers come back', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/created/orders?market=BTC&cursor=a%2Fb',
      headers: { ...FORGED, 'x-api-key': readKey, accept: 'application/json' },
    })
    expect(response.statusCode).toBe(201)
    expect(response.headers['x-upstream']).toBe('yes')
    expect(response.headers['x-ratelimit-limit']).toBeDefined()
    expect(response.headers.ratelimit).toBeDefined()
    expect(response.json()).toMatchObject({ method: 'GET', url: '/created/orders?market=BTC&cursor=a%2Fb' })

    expect(upstream.received).toHaveLength(1)
    const received = upstream.received[0]!
    expectNoForgery(received)
    expect(received.headers).toMatchObject({
      accept: 'application/json',
      'x-sigil-account': user.accountId,
      'x-sigil-credential': 'api_key',
      'x-sigil-scope': 'read',
      'x-sigil-wallet': user.wallet.address,
      'x-forwarded-proto': 'http',
    })
    expect(received.headers['x-sigil-key-id']).toMatch(/^[0-9A-Za-z]{16}$/)
    // The upstream is addressed by its own name, not the one the client used for Sigil.
    expect(received.headers.host).toBe(new URL(upstream.url).host)
    // No assertion unless verifyAssertionAudience is set.
    expect(received.headers['x-sigil-assertion']).toBeUndefined()
  })

  it('attack: headers that would rewrite the method or path after Sigil decided (X-HTTP-Method-Override, X-Original-URL, …) never reach the upstream', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/public/markets',
      headers: {
        'x-api-key': readKey,
        'x-http-method-override': 'DELETE',
        'x-http-method': 'DELETE',
        'x-method-override': 'DELETE',
        'x-original-url': '/admin/users',
        'x-rewrite-url': '/admin/users',
        'x-original-uri': '/admin/users',
        'x-forwarded-prefix': '/admin',
        'x-forwarded-host': 'admin.internal',
        'x-host': 'admin.internal',
      },
    })
    expect(response.statusCode).toBe(200)
    const headers = upstream.received[0]!.headers
    for (const name of OVERRIDE_HEADERS) expect([name, headers[name]]).toEqual([name, undefined])
    expect(headers['x-forwarded-prefix']).toBeUndefined()
  })

  it('error: without a policy a read key cannot POST (403, nothing forwarded); anonymous is 401; a JWT (trade) POSTs', async () => {
    const denied = await server.app.inject({
      method: 'POST',
      url: '/orders',
      headers: { 'x-api-key': readKey, 'content-type': 'application/json' },
      payload: '{"size":"1"}',
    })
    expectProblem(denied, 403, 'SCOPE_MISSING')
    expectProblem(await server.app.inject({ method: 'GET', url: '/orders' }), 401, 'CREDENTIAL_MISSING')
    expect(upstream.received).toHaveLength(0)

    const order = '{ "size" : "1",  "side":"BUY" }'
    const allowed = await server.app.inject({
      method: 'DELETE',
      url: '/orders/7?all=1',
      headers: { ...user.headers, 'content-type': 'application/json' },
      payload: order,
    })
    expect(allowed.statusCode).toBe(200)
    expect(upstream.received.map((r) => [r.method, r.url, r.body])).toEqual([
      ['DELETE', '/orders/7?all=1', order],
    ])
    expect(upstream.received[0]!.headers['x-sigil-credential']).toBe('jwt')
  })

  it('behavior: Sigil’s own routes win over the catch-all (health, JWKS, /v1/auth/me)', async () => {
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' })
    expect((await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()).toHaveProperty(
      'keys',
    )
    const me = await server.app.inject({ method: 'GET', url: '/v1/auth/me', headers: user.headers })
    expect(me.statusCode).toBe(200)
    expect(me.headers['x-upstream']).toBeUndefined()
    expect(upstream.received).toHaveLength(0)
    // A method Sigil does not serve on that path is not shadowed: it goes upstream (trade).
    const post = await server.app.inject({ method: 'POST', url: '/v1/auth/me', headers: user.headers })
    expect(post.headers['x-upstream']).toBe('yes')
    expect(upstream.received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /v1/auth/me'])
  })

  it('behavior: with a routePolicy, public paths go anonymous (no identity even with a credential), deny and unnamed paths are 404, session refuses keys', async () => {
    await server.close()
    await start({
      routePolicy: [
        { methods: ['GET'], path: '/api/markets', access: 'public' },
        { path: '/api/admin/*', access: 'deny' },
        { path: '/api/account/*', access: 'session' },
        { methods: ['GET'], path: '/api/*', access: 'read' },
      ],
    })
    const pub = await server.app.inject({
      method: 'GET',
      url: '/api/markets',
      headers: { 'x-api-key': readKey },
    })
    expect(pub.statusCode).toBe(200)
    expect(upstream.received[0]!.headers['x-sigil-account']).toBeUndefined()
    expect(upstream.received[0]!.headers['x-api-key']).toBeUndefined()

    expectProblem(
      await server.app.inject({ method: 'GET', url: '/api/admin/users', headers: user.headers }),
      404,
      'NOT_FOUND',
    )
    expectProblem(
      await server.app.inject({ method: 'POST', url: '/api/orders', headers: user.headers }),
      404,
      'NOT_FOUND',
    )
    expectProblem(
      await server.app.inject({
        method: 'GET',
        url: '/api/account/profile',
        headers: { 'x-api-key': readKey },
      }),
      403,
      'SCOPE_MISSING',
    )
    const session = await server.app.inject({
      method: 'GET',
      url: '/api/account/profile',
      headers: user.headers,
    })
    expect(session.statusCode).toBe(200)
    expect(upstream.received.map((r) => r.url)).toEqual(['/api/markets', '/api/account/profile'])
  })

  it('behavior: a session cookie: Sigil’s cookie stripped (the backend’s own pass), no CORS grant on the answer; a cross-site POST is 403 CSRF_REJECTED, a same-origin one goes', async () => {
    const { value } = await cookieSession(server.app, newWallet(), server.clock.now())
    const read = await withCookie(server.app, value, {
      method: 'GET',
      url: '/profile',
      cookies: { theme: 'dark' },
    })
    expect(read.statusCode).toBe(200)
    expect(read.headers['access-control-allow-origin']).toBeUndefined()
    expect(read.headers['access-control-allow-credentials']).toBeUndefined()
    const cookieHeader = upstream.received[0]!.headers.cookie
    expect(cookieHeader).toBe('theme=dark')
    expect(upstream.received[0]!.headers['x-sigil-credential']).toBe('cookie')

    const crossSite = await withCookie(server.app, value, {
      method: 'POST',
      url: '/orders',
      headers: EVIL_ORIGIN,
    })
    expectProblem(crossSite, 403, 'CSRF_REJECTED')
    expect(upstream.received).toHaveLength(1)
    const sameOrigin = await withCookie(server.app, value, {
      method: 'POST',
      url: '/orders',
      headers: { ...SAME_ORIGIN, 'content-type': 'application/json' },
      payload: '{}',
    })
    expect(sameOrigin.statusCode).toBe(200)
    expect(upstream.received).toHaveLength(2)
    expect(upstream.received[1]!.headers.cookie).toBeUndefined()

    // A header credential keeps the backend's CORS grants: a browser never attaches it by itself.
    const bearer = await server.app.inject({ method: 'GET', url: '/profile', headers: user.headers })
    expect(bearer.headers['access-control-allow-origin']).toBe(TEST_PUBLIC_URL)
  })

  it('behavior: with verifyAssertionAudience, the upstream gets a fresh X-Sigil-Assertion for this request (a forged one is replaced)', async () => {
    await server.close()
    await start({ verifyAssertionAudience: 'https://engine.internal' })
    const response = await server.app.inject({
      method: 'GET',
      url: '/balance?x=1',
      headers: { ...user.headers, 'x-sigil-assertion': 'forged.jwt.value' },
    })
    expect(response.statusCode).toBe(200)
    const assertion = upstream.received[0]!.headers['x-sigil-assertion'] as string
    expect(decodeProtectedHeader(assertion).typ).toBe('sigil-assertion+jwt')
    expect(decodeJwt(assertion)).toMatchObject({
      aud: 'https://engine.internal',
      sub: user.accountId,
      method: 'GET',
    })
  })

  it('behavior: over a real socket, a chunked body of 1 MiB reaches the upstream byte for byte', async () => {
    await server.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = server.app.server.address() as AddressInfo
    const chunks = Array.from({ length: 16 }, () => randomBytes(48 * 1024).toString('base64'))
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/uploads',
          headers: { ...user.headers, 'content-type': 'application/octet-stream' },
        },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        },
      )
      req.on('error', reject)
      for (const chunk of chunks) req.write(chunk)
      req.end()
    })
    expect(status).toBe(200)
    expect(upstream.received).toHaveLength(1)
    expect(upstream.received[0]!.body).toBe(chunks.join(''))
    expect(upstream.received[0]!.headers['transfer-encoding']).toBe('chunked')
  })

  it('error: an Upgrade that is not a WebSocket handshake is not proxied (404); WebSockets: upstream.websocket.test.ts', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/stream',
      headers: { ...user.headers, upgrade: 'h2c', connection: 'Upgrade' },
    })
    expectProblem(response, 404, 'NOT_FOUND')
    expect(upstream.received).toHaveLength(0)
  })

  it('error: upstream down: 502 UPSTREAM_UNAVAILABLE; no answer within upstreamTimeoutSeconds: 504 UPSTREAM_TIMEOUT', async () => {
    await server.close()
    server = await startTestServer({ upstreamUrl: await deadUpstreamUrl() })
    user = await signedIn(server)
    expectProblem(
      await server.app.inject({ method: 'GET', url: '/balance', headers: user.headers }),
      502,
      'UPSTREAM_UNAVAILABLE',
    )

    await server.close()
    await upstream.close()
    upstream = await startUpstream(() => {})
    await start({ upstreamTimeoutSeconds: 1 })
    expectProblem(
      await server.app.inject({ method: 'GET', url: '/balance', headers: user.headers }),
      504,
      'UPSTREAM_TIMEOUT',
    )
    expect(upstream.received).toHaveLength(1)
  })

  it('error: an upstreamUrl that is not http(s), carries credentials, a query or a fragment stops the boot', () => {
    for (const [url, why] of [
      ['ftp://backend', 'must be http or https'],
      ['http://user:pw@backend', 'must not carry credentials'],
      ['http://backend/?', 'must not have a query or fragment'],
      ['http://backend/#x', 'must not have a query or fragment'],
      ['backend:8080', 'must be http or https'],
      ['/relative', 'not an absolute URL'],
    ] as const) {
      expect(() => loadConfig({ flags: { upstreamUrl: url } })).toThrow(ConfigError)
      expect(() => loadConfig({ flags: { upstreamUrl: url } })).toThrow(`upstreamUrl: ${why}`)
    }
  })
})
