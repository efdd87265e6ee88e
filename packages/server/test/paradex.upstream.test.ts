import { randomUUID } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateKeyPair, SignJWT } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Scope } from '../src/core/scopes.js'
import { mintAccessToken } from './support/access-tokens.js'
import { createKey, signedIn } from './support/api-keys.js'
import { cookieSession, withCookie } from './support/cookie-session.js'
import { onboard, PARADEX, paradexAuth } from './support/paradex-client.js'
import { A2 } from './support/paradex-vectors.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { deadUpstreamUrl, startUpstream, type Upstream } from './support/upstream-server.js'
import { newWallet } from './support/wallet.js'

/** A2's signed auth window is 1700000000..1700000180: sign in inside it. */
const IN_WINDOW = 1_700_000_060_000

async function paradexJwt(server: TestServer): Promise<string> {
  expect((await onboard(server.app)).statusCode).toBe(200)
  const response = await paradexAuth(server.app)
  expect(response.statusCode).toBe(200)
  return response.json().jwt_token
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** What ccxt needs to raise AuthenticationError: Paradex's body, all three keys, the broad-match text. */
function expectJwtRefusal(response: { statusCode: number; json(): unknown }) {
  expect(response.statusCode).toBe(401)
  const body = response.json() as { error: string; message: string; data: unknown }
  expect(Object.keys(body)).toEqual(['error', 'message', 'data'])
  expect(body).toMatchObject({ error: 'UNAUTHORIZED_ERROR', data: null })
  expect(body.message).toMatch(/^missing or malformed jwt: /)
}

describe('Paradex upstream (reverse-proxy mode)', () => {
  let upstream: Upstream
  let server: TestServer
  let jwt: string

  const start = async (flags: Record<string, unknown> = {}) => {
    server = await startTestServer({ 'paradex.upstreamUrl': upstream.url, ...flags })
    server.clock.set(IN_WINDOW)
  }
  beforeEach(async () => {
    upstream = await startUpstream()
    await start()
    jwt = await paradexJwt(server)
  })
  afterEach(async () => {
    await server.close()
    await upstream.close()
  })

  it('behavior: GET with a Paradex JWT reaches the upstream with the path below the prefix, the query and the identity; spoofed and credential headers stripped', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: `${PARADEX}/v1/balance?market=BTC-USD-PERP&page_size=2&cursor=a%2Fb`,
      headers: {
        ...bearer(jwt),
        accept: 'application/json',
        'paradex-partner': 'CCXT',
        'x-sigil-account': '0xattacker',
        'X-Sigil-Scope': 'read trade account',
        'x-sigil-acting-accounts': '0xvictim',
        'x-sigil-anything': 'spoofed',
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'evil.example',
        forwarded: 'for=6.6.6.6',
        'x-real-ip': '6.6.6.6',
        'x-api-key': `sgl_sk_${'A'.repeat(59)}`,
        cookie: 'other=1',
      },
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-upstream']).toBe('yes')
    expect(response.json()).toEqual({
      upstream: true,
      method: 'GET',
      url: '/v1/balance?market=BTC-USD-PERP&page_size=2&cursor=a%2Fb',
    })

    expect(upstream.received).toHaveLength(1)
    const { headers } = upstream.received[0]!
    expect(headers).toMatchObject({
      'x-sigil-account': A2.account,
      'x-sigil-credential': 'jwt',
      'x-sigil-scope': 'read trade keys',
      'x-sigil-acting-accounts': A2.account,
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      accept: 'application/json',
      'paradex-partner': 'CCXT',
    })
    expect(
      Object.keys(headers)
        .filter((name) => name.startsWith('x-sigil-'))
        .sort(),
    ).toEqual(['x-sigil-account', 'x-sigil-acting-accounts', 'x-sigil-credential', 'x-sigil-scope'])
    for (const name of ['authorization', 'cookie', 'x-api-key', 'forwarded', 'x-real-ip', 'x-forwarded-host'])
      expect([name, headers[name]]).toEqual([name, undefined])
    const sent = JSON.stringify(headers)
    expect(sent).not.toContain(jwt)
    expect(sent).not.toContain('6.6.6.6')
    expect(sent).not.toContain('0xattacker')
  })

  it('behavior: the isolated-market accounts a JWT covers go out in x-sigil-acting-accounts, its own first', async () => {
    const { token } = await mintAccessToken(server, {
      accountId: A2.account,
      sessionId: randomUUID(),
      scopes: ['read', 'trade'],
      clientId: 'paradex',
      isolatedAccountIds: ['0x111', '0x222'],
    })
    const response = await server.app.inject({
      method: 'GET',
      url: `${PARADEX}/v1/positions`,
      headers: bearer(token),
    })
    expect(response.statusCode).toBe(200)
    expect(upstream.received[0]!.headers).toMatchObject({
      'x-sigil-account': A2.account,
      'x-sigil-acting-accounts': `${A2.account} 0x111 0x222`,
    })
  })

  it('behavior: POST, PUT, PATCH and DELETE with `trade` reach the upstream, the body byte for byte (never re-serialized)', async () => {
    const order = '{"market":"BTC-USD-PERP",  "side":"BUY", "size":"0.1","price":1e3 }'
    for (const method of ['POST', 'PUT', 'PATCH'] as const) {
      const response = await server.app.inject({
        method,
        url: `${PARADEX}/v1/orders?dry=1`,
        headers: { ...bearer(jwt), 'content-type': 'application/json' },
        payload: order,
      })
      expect([method, response.statusCode]).toEqual([method, 200])
    }
    const form = await server.app.inject({
      method: 'POST',
      url: `${PARADEX}/v1/orders/batch`,
      headers: { ...bearer(jwt), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=1&b=2',
    })
    expect(form.statusCode).toBe(200)
    const cancel = await server.app.inject({
      method: 'DELETE',
      url: `${PARADEX}/v1/orders/123`,
      headers: bearer(jwt),
    })
    expect(cancel.statusCode).toBe(200)

    expect(upstream.received.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/v1/orders?dry=1', order],
      ['PUT', '/v1/orders?dry=1', order],
      ['PATCH', '/v1/orders?dry=1', order],
      ['POST', '/v1/orders/batch', 'a=1&b=2'],
      ['DELETE', '/v1/orders/123', ''],
    ])
    expect(upstream.received[0]!.headers['content-type']).toBe('application/json')
    expect(upstream.received[0]!.headers['content-length']).toBe(String(Buffer.byteLength(order)))
    expect(upstream.received[3]!.headers['content-type']).toBe('application/x-www-form-urlencoded')
  })

  it("behavior: HEAD needs `read` and is forwarded; the upstream's own statuses and errors come back as they are, never retried", async () => {
    const head = await server.app.inject({
      method: 'HEAD',
      url: `${PARADEX}/v1/account`,
      headers: bearer(jwt),
    })
    expect(head.statusCode).toBe(200)
    await upstream.close()
    upstream = await startUpstream((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' })
      response.end('{"error":"SERVICE_UNAVAILABLE","message":"maintenance","data":null}')
    })
    await server.close()
    await start()
    const token = await paradexJwt(server)
    const response = await server.app.inject({
      method: 'GET',
      url: `${PARADEX}/v1/markets`,
      headers: bearer(token),
    })
    expect(response.statusCode).toBe(503)
    expect(response.json()).toEqual({ error: 'SERVICE_UNAVAILABLE', message: 'maintenance', data: null })
    expect(upstream.received).toHaveLength(1)
  })

  it('behavior: at the root mount (paradex.prefix "", native.prefix moved aside), /v1/* goes upstream and Sigil keeps its own', async () => {
    await server.close()
    await start({ 'paradex.prefix': '', 'native.prefix': '/sigil' })
    const { token } = await mintAccessToken(server, {
      accountId: A2.account,
      sessionId: randomUUID(),
      scopes: ['read', 'trade'],
      clientId: 'paradex',
    })
    const balance = await server.app.inject({ method: 'GET', url: '/v1/balance?x=1', headers: bearer(token) })
    expect(balance.statusCode).toBe(200)
    expect((await server.app.inject({ method: 'GET', url: '/v1/system/config' })).json()).toHaveProperty(
      'starknet_chain_id',
    )
    const verify = await server.app.inject({
      method: 'GET',
      url: '/sigil/v1/verify/trade',
      headers: bearer(token),
    })
    expect(verify.headers['x-sigil-account']).toBe(A2.account)
    expect(upstream.received.map((r) => r.url)).toEqual(['/v1/balance?x=1'])
  })

  it('behavior: a base path in paradex.upstreamUrl is kept in front of /v1', async () => {
    await server.close()
    server = await startTestServer({ 'paradex.upstreamUrl': `${upstream.url}/api/` })
    server.clock.set(IN_WINDOW)
    const token = await paradexJwt(server)
    await server.app.inject({ method: 'GET', url: `${PARADEX}/v1/fills?x=1`, headers: bearer(token) })
    expect(upstream.received.map((r) => r.url)).toEqual(['/api/v1/fills?x=1'])
  })

  it('behavior: public market data (paradex.upstreamPublicPaths) goes through without a credential, anonymous', async () => {
    for (const path of [
      '/v1/markets',
      '/v1/bbo/BTC-USD-PERP',
      '/v1/orderbook/ETH-USD-PERP/interactive?depth=5',
    ]) {
      const response = await server.app.inject({
        method: 'GET',
        url: `${PARADEX}${path}`,
        // A credential (even a bogus one) and spoofed identity headers change nothing here.
        headers: {
          ...bearer('garbage'),
          'x-sigil-account': '0xattacker',
          // CGI-style backends read this as the identity header itself: it must not get through.
          X_Sigil_Account: '0xattacker',
          cookie: 'other=1',
        },
      })
      expect([path, response.statusCode]).toEqual([path, 200])
    }
    expect(upstream.received.map((r) => r.url)).toEqual([
      '/v1/markets',
      '/v1/bbo/BTC-USD-PERP',
      '/v1/orderbook/ETH-USD-PERP/interactive?depth=5',
    ])
    for (const { headers } of upstream.received) {
      expect(Object.keys(headers).filter((name) => /^x[-_]sigil/.test(name))).toEqual([])
      expect([headers.authorization, headers.cookie]).toEqual([undefined, undefined])
    }
  })

  it('attack: a public path is public for GET only, and only for the listed shape', async () => {
    const post = await server.app.inject({ method: 'POST', url: `${PARADEX}/v1/markets`, payload: {} })
    expectJwtRefusal(post)
    // One segment for {market}: a deeper path is the private wildcard again.
    expectJwtRefusal(await server.app.inject({ method: 'GET', url: `${PARADEX}/v1/bbo/BTC-USD-PERP/extra` }))
    expectJwtRefusal(await server.app.inject({ method: 'GET', url: `${PARADEX}/v1/balance` }))
    expect(upstream.received).toEqual([])
  })

  it('behavior: the public list is configurable; an empty list makes every proxied path need a credential', async () => {
    await server.close()
    await start({ 'paradex.upstreamPublicPaths': [] })
    expectJwtRefusal(await server.app.inject({ method: 'GET', url: `${PARADEX}/v1/markets` }))
    expect(upstream.received).toEqual([])
  })

  describe('refused by Sigil before any upstream traffic', () => {
    const balance = (headers: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET') =>
      server.app.inject({ method, url: `${PARADEX}/v1/balance`, headers })

    it('error: no bearer, another scheme, or a string that is no JWT: 401 missing or malformed jwt', async () => {
      expectJwtRefusal(await balance())
      expectJwtRefusal(await balance({}, 'POST'))
      expectJwtRefusal(await balance({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }))
      expectJwtRefusal(await balance(bearer('not-a-jwt')))
      expect(upstream.received).toEqual([])
    })

    it('error: an expired Paradex JWT (past its 300 s and the 5 s leeway): 401', async () => {
      expect((await balance(bearer(jwt))).statusCode).toBe(200)
      server.clock.advance(305_000)
      expectJwtRefusal(await balance(bearer(jwt)))
      expectJwtRefusal(await balance(bearer(jwt), 'POST'))
      expect(upstream.received).toHaveLength(1)
    })

    it("error: the same claims signed by another key (with Sigil's kid), or with alg none: 401", async () => {
      const [header, payload] = jwt
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()))
      const { privateKey } = await generateKeyPair('ES256')
      const forged = await new SignJWT(payload).setProtectedHeader(header).sign(privateKey)
      expectJwtRefusal(await balance(bearer(forged)))
      expectJwtRefusal(await balance(bearer(`${b64({ ...header, alg: 'none' })}.${b64(payload)}.`)))
      expect(upstream.received).toEqual([])
    })

    it('error: a read-only JWT cannot trade: 403 on POST, while GET goes through', async () => {
      const { token } = await mintAccessToken(server, {
        accountId: A2.account,
        sessionId: randomUUID(),
        scopes: ['read'] satisfies Scope[],
        clientId: 'paradex',
      })
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
        const response = await server.app.inject({
          method,
          url: `${PARADEX}/v1/orders`,
          headers: bearer(token),
        })
        expect([method, response.statusCode]).toEqual([method, 403])
        expect(response.json()).toMatchObject({ error: 'UNAUTHORIZED_ERROR', data: null })
      }
      expect(upstream.received).toEqual([])
      expect((await balance(bearer(token))).statusCode).toBe(200)
    })

    it("error: a pending account's Paradex JWT (invites required) reads but cannot trade", async () => {
      await server.close()
      await start({ invitesRequired: true })
      const token = await paradexJwt(server)
      const order = await server.app.inject({
        method: 'POST',
        url: `${PARADEX}/v1/orders`,
        headers: { ...bearer(token), 'content-type': 'application/json' },
        payload: '{}',
      })
      expect(order.statusCode).toBe(403)
      expect(upstream.received).toEqual([])
      expect((await balance(bearer(token))).statusCode).toBe(200)
      expect(upstream.received[0]!.headers['x-sigil-scope']).toBe('read keys')
    })

    it('error: a session cookie is never accepted on a proxied route, not even same-site on GET', async () => {
      const { value } = await cookieSession(server.app, newWallet(), server.clock.now())
      const sameSite = { 'sec-fetch-site': 'same-origin', origin: 'https://app.example' }
      for (const method of ['GET', 'POST'] as const) {
        const response = await withCookie(server.app, value, {
          method,
          url: `${PARADEX}/v1/balance`,
          headers: sameSite,
        })
        expectJwtRefusal(response)
      }
      expect(upstream.received).toEqual([])
    })

    it('error: past the account budget, 429 and nothing more reaches the upstream', async () => {
      await server.close()
      await start({ rateLimitAccountPerMinute: 2 })
      const token = await paradexJwt(server)
      const statuses = []
      for (let i = 0; i < 3; i++) statuses.push((await balance(bearer(token))).statusCode)
      expect(statuses).toEqual([200, 200, 429])
      expect(upstream.received).toHaveLength(2)
      const denied = await balance(bearer(token))
      expect(denied.json()).toMatchObject({ error: 'RATE_LIMIT_EXCEEDED', data: null })
    })
  })

  it("behavior: Sigil's native JWTs and API keys are header credentials too: forwarded with their account and credential kind", async () => {
    const account = await signedIn(server)
    const key = await createKey(server, account, { name: 'bot', scope: 'trade' })
    await server.app.inject({ method: 'GET', url: `${PARADEX}/v1/balance`, headers: account.headers })
    await server.app.inject({
      method: 'POST',
      url: `${PARADEX}/v1/orders`,
      headers: { 'x-api-key': key.secret },
    })
    expect(
      upstream.received.map((r) => [r.headers['x-sigil-account'], r.headers['x-sigil-credential']]),
    ).toEqual([
      [account.accountId, 'jwt'],
      [account.accountId, 'api_key'],
    ])
    expect(JSON.stringify(upstream.received.map((r) => r.headers))).not.toContain(key.secret)
  })

  it("behavior: Sigil's own routes are served by Sigil, never proxied; /v1 itself (the WebSocket path) and upgrades are not proxied", async () => {
    const config = await server.app.inject({ method: 'GET', url: `${PARADEX}/v1/system/config` })
    expect(config.json()).toHaveProperty('starknet_chain_id')
    const auth = await paradexAuth(server.app)
    expect(auth.json()).toHaveProperty('jwt_token')
    const status = await server.app.inject({
      method: 'GET',
      url: `${PARADEX}/v1/onboarding?account_signer_type=starknet&public_key=${A2.publicKey}`,
    })
    expect(status.json()).toMatchObject({ exists: true })
    await server.app.inject({ method: 'GET', url: `${PARADEX}/v1`, headers: bearer(jwt) })
    const upgrade = await server.app.inject({
      method: 'GET',
      url: `${PARADEX}/v1/stream`,
      headers: { ...bearer(jwt), connection: 'Upgrade', upgrade: 'websocket' },
    })
    expect(upgrade.statusCode).toBe(404)
    expect(upstream.received).toEqual([])
  })

  it('behavior: a real WebSocket upgrade under /v1/ is never proxied, even with a valid JWT', async () => {
    await server.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = server.app.server.address() as AddressInfo
    const outcome = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}${PARADEX}/v1/stream`, { headers: bearer(jwt) })
      socket.on('open', () => {
        socket.close()
        resolve('open')
      })
      socket.on('unexpected-response', (_request, response) => resolve(`http ${response.statusCode}`))
      socket.on('error', () => resolve('error'))
    })
    expect(outcome).toBe('http 404')
    expect(upstream.received).toEqual([])
  })

  it('error: upstream down: 502 in the Paradex body, for reads and trades alike', async () => {
    await server.close()
    server = await startTestServer({ 'paradex.upstreamUrl': await deadUpstreamUrl() })
    server.clock.set(IN_WINDOW)
    const token = await paradexJwt(server)
    for (const method of ['GET', 'POST'] as const) {
      const response = await server.app.inject({
        method,
        url: `${PARADEX}/v1/balance`,
        headers: bearer(token),
      })
      expect([method, response.statusCode]).toEqual([method, 502])
      expect(response.json()).toEqual({
        error: 'SERVICE_UNAVAILABLE',
        message: 'The upstream service could not be reached',
        data: null,
      })
    }
  })

  it('error: an upstream that does not answer within paradex.upstreamTimeoutSeconds: 504 in the Paradex body', async () => {
    await upstream.close()
    upstream = await startUpstream(() => {})
    await server.close()
    await start({ 'paradex.upstreamTimeoutSeconds': 1 })
    const token = await paradexJwt(server)
    const response = await server.app.inject({
      method: 'GET',
      url: `${PARADEX}/v1/balance`,
      headers: bearer(token),
    })
    expect(response.statusCode).toBe(504)
    expect(response.json()).toEqual({
      error: 'SERVICE_UNAVAILABLE',
      message: 'The upstream service did not answer in time',
      data: null,
    })
    expect(upstream.received).toHaveLength(1)
  })

  it('error: over a real socket, a path that climbs out of /v1 (dot segments, encoded slash or backslash) is 404 and goes nowhere', async () => {
    await server.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = server.app.server.address() as AddressInfo
    const rawGet = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, headers: bearer(jwt) }, (res) => {
          let body = ''
          res.on('data', (chunk) => {
            body += chunk
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        })
        req.on('error', reject)
        req.end()
      })
    for (const path of [
      '/paradex/v1/../../admin',
      '/paradex/v1/./balance',
      '/paradex/v1/%2e%2e/admin',
      '/paradex/v1/%2E%2E/%2e%2e/admin',
      '/paradex/v1/a%2f..%2f..%2fadmin',
      '/paradex/v1/a%5c..%5cadmin',
      // An encoded letter could dodge a rule that names the plain spelling: the policy refuses it.
      '/paradex/v1/b%61lance',
      '/paradex/v1/markets%2Dhistory',
    ]) {
      const response = await rawGet(path)
      expect([path, response.status]).toEqual([path, 404])
      expect(JSON.parse(response.body)).toMatchObject({ error: 'NOT_FOUND', data: null })
    }
    // A broken escape never reaches a route: Fastify refuses the URL itself.
    expect((await rawGet('/paradex/v1/%zz')).status).toBe(400)
    expect(upstream.received).toEqual([])
    expect((await rawGet('/paradex/v1/balance')).status).toBe(200)
  })
})

describe('Paradex upstream: configuration of the public paths', () => {
  it('error: an entry Sigil serves itself, a duplicate shape, or a malformed path stops the boot', async () => {
    const boot = (paths: string[]) =>
      startTestServer({ 'paradex.upstreamUrl': 'http://127.0.0.1:9', 'paradex.upstreamPublicPaths': paths })
    await expect(boot(['system/config'])).rejects.toThrow(/system\/config is served by Sigil itself/)
    await expect(boot(['bbo/{market}', 'bbo/{symbol}'])).rejects.toThrow(/bbo\/\{symbol\} is listed twice/)
    for (const bad of ['/markets', 'markets/', '../admin', 'a/..', 'a/.hidden', 'Markets', 'a/{B}', 'a//b']) {
      await expect(boot([bad])).rejects.toThrow(/paradex.upstreamPublicPaths/)
    }
  })
})

describe('Paradex upstream: not configured', () => {
  it('behavior: without paradex.upstreamUrl an unknown path under /v1 is a Paradex 404, even with a valid JWT', async () => {
    const server = await startTestServer()
    try {
      server.clock.set(IN_WINDOW)
      const token = await paradexJwt(server)
      for (const method of ['GET', 'POST'] as const) {
        const response = await server.app.inject({
          method,
          url: `${PARADEX}/v1/balance`,
          headers: bearer(token),
        })
        expect([method, response.statusCode]).toEqual([method, 404])
        expect(response.json()).toEqual({ error: 'NOT_FOUND', message: 'No such route', data: null })
      }
    } finally {
      await server.close()
    }
  })
})
