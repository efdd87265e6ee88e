import type { IncomingHttpHeaders } from 'node:http'
import { type AddressInfo, connect as netConnect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createKey, revokeKey, signedIn, splitApiKey } from './support/api-keys.js'
import { COOKIE, cookieSession, EVIL_ORIGIN, SAME_ORIGIN } from './support/cookie-session.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { deadUpstreamUrl, startWebSocketUpstream, type WebSocketUpstream } from './support/upstream-server.js'
import { newWallet } from './support/wallet.js'

/** What a client adds to pass for someone else, to rewrite the request, or to leak a credential. */
const FORGED = {
  'x-sigil-account': 'acct_forged',
  'x-sigil-scope': 'read trade account',
  'x-sigil-credential': 'jwt',
  'x-sigil-assertion': 'forged.jwt.value',
  'x-forwarded-for': '6.6.6.6',
  'x-http-method-override': 'DELETE',
  'x-original-url': '/admin',
  'x-rewrite-url': '/admin',
}

/** The upstream saw none of the forged headers and no credential. */
function expectClean(headers: IncomingHttpHeaders) {
  expect(headers.authorization).toBeUndefined()
  expect(headers['x-api-key']).toBeUndefined()
  expect(headers['x-sigil-assertion']).toBeUndefined()
  expect(headers['x-http-method-override']).toBeUndefined()
  expect(headers['x-original-url']).toBeUndefined()
  expect(headers['x-rewrite-url']).toBeUndefined()
  expect(headers['x-forwarded-for']).not.toContain('6.6.6.6')
  expect(headers['x-sigil-account']).not.toBe('acct_forged')
}

type Outcome =
  | { open: WebSocket; next(): Promise<{ data: string; binary: boolean }>; closed: Promise<[number, string]> }
  | { status: number; headers: IncomingHttpHeaders; body: string }
  | { error: string }

let server: TestServer | undefined
let upstream: WebSocketUpstream | undefined
const sockets: WebSocket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate()
  await server?.close()
  await upstream?.close()
  server = undefined
  upstream = undefined
})

async function start(flags: Record<string, unknown> = {}) {
  upstream = await startWebSocketUpstream()
  server = await startTestServer({ upstreamUrl: upstream.url, ...flags })
  await server.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = server.app.server.address() as AddressInfo
  return { base: `ws://127.0.0.1:${port}`, user: await signedIn(server) }
}

/** Opens a client socket; resolves with the open socket, the HTTP answer that refused it, or the error. */
function connect(
  url: string,
  headers: Record<string, string> = {},
  protocols: string[] = [],
): Promise<Outcome> {
  const socket = new WebSocket(url, protocols, { headers })
  sockets.push(socket)
  const inbox: { data: string; binary: boolean }[] = []
  const waiting: ((message: { data: string; binary: boolean }) => void)[] = []
  socket.on('message', (data, binary) => {
    const message = { data: binary ? Buffer.from(data as Buffer).toString('hex') : data.toString(), binary }
    const waiter = waiting.shift()
    if (waiter) waiter(message)
    else inbox.push(message)
  })
  const closed = new Promise<[number, string]>((resolve) =>
    socket.on('close', (code, reason) => resolve([code, reason.toString()])),
  )
  return new Promise((resolve) => {
    socket.once('open', () =>
      resolve({
        open: socket,
        next: () => {
          const queued = inbox.shift()
          return queued ? Promise.resolve(queued) : new Promise((r) => waiting.push(r))
        },
        closed,
      }),
    )
    socket.once('unexpected-response', (_request, response) => {
      let body = ''
      response.on('data', (chunk: Buffer) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
    })
    socket.once('error', (error) => resolve({ error: error.message }))
  })
}

/** Writes raw request lines (what the ws client will not send) and reads the status line. */
function rawStatus(port: number, lines: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`))
    let answer = ''
    socket.on('data', (chunk) => {
      answer += chunk
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)
      if (status) {
        socket.destroy()
        resolve(Number(status[1]))
      }
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(0))
  })
}

function opened(outcome: Outcome) {
  if (!('open' in outcome)) throw new Error(`not upgraded: ${JSON.stringify(outcome)}`)
  return outcome
}

/** A refusal before any upgrade: the HTTP status and problem code. */
function refusal(outcome: Outcome): [number, string | undefined] {
  if (!('status' in outcome)) throw new Error(`not refused over HTTP: ${JSON.stringify(outcome)}`)
  const body = outcome.body === '' ? {} : JSON.parse(outcome.body)
  return [outcome.status, body.code]
}

describe('reverse-proxy mode: WebSocket upgrades', () => {
  it('attack: a proxied socket does not outlive its credential: revoking the key closes it 4002, logging out its session 4001', async () => {
    const { base, user } = await start()
    const key = await createKey(server!, user, { scope: 'read' })
    const byKey = opened(await connect(`${base}/stream`, { 'x-api-key': key.secret }))
    const byJwt = opened(await connect(`${base}/stream`, user.headers))
    await byKey.next()
    await byJwt.next()

    expect((await revokeKey(server!, user, key.id)).statusCode).toBe(204)
    expect(await byKey.closed).toEqual([4002, 'api_key_revoked'])
    expect(byJwt.open.readyState).toBe(WebSocket.OPEN)

    const logout = await server!.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: user.headers })
    expect(logout.statusCode).toBe(204)
    expect(await byJwt.closed).toEqual([4001, 'session_revoked'])
    // The upstream side is closed with them.
    await expect.poll(() => upstream!.closes.length, { timeout: 5000 }).toBe(2)
  })

  it('behavior: an API key, a JWT and a same-origin cookie each open a proxied socket: identity injected, credentials and forged headers stripped, frames both ways, the upstream’s subprotocol', async () => {
    const { base, user } = await start()
    const readKey = (await createKey(server!, user, { scope: 'read' })).secret

    const byKey = opened(
      await connect(`${base}/stream/trades?market=BTC`, { 'x-api-key': readKey, ...FORGED }, [
        'v1.a',
        'v1.b',
      ]),
    )
    // The upstream chose the last protocol offered (ws would have taken the first): relayed as chosen.
    expect(byKey.open.protocol).toBe('v1.b')
    // The upstream's first frame, sent at once on accept, is not lost while Sigil bridges.
    expect(await byKey.next()).toEqual({ data: '{"hello":"/stream/trades?market=BTC"}', binary: false })
    byKey.open.send('ping me')
    expect(await byKey.next()).toEqual({ data: 'ping me', binary: false })
    byKey.open.send(Buffer.from([0, 1, 2, 255]))
    expect(await byKey.next()).toEqual({ data: '000102ff', binary: true })

    const seen = upstream!.upgrades[0]!
    expect(seen.url).toBe('/stream/trades?market=BTC')
    expect(seen.headers.host).toBe(new URL(upstream!.url).host)
    expectClean(seen.headers)
    expect(seen.headers).toMatchObject({
      'x-sigil-account': user.accountId,
      'x-sigil-wallet': user.wallet.address,
      'x-sigil-credential': 'api_key',
      'x-sigil-scope': 'read',
      'x-sigil-key-id': splitApiKey(readKey).id,
      'sec-websocket-protocol': 'v1.a,v1.b',
    })

    const byJwt = opened(await connect(`${base}/stream`, { ...user.headers, ...FORGED }))
    expect((await byJwt.next()).data).toBe('{"hello":"/stream"}')
    expectClean(upstream!.upgrades[1]!.headers)
    expect(upstream!.upgrades[1]!.headers).toMatchObject({ 'x-sigil-credential': 'jwt' })
    expect(upstream!.upgrades[1]!.headers['x-sigil-key-id']).toBeUndefined()

    const { value } = await cookieSession(server!.app, newWallet(), server!.clock.now())
    const byCookie = opened(
      await connect(`${base}/stream`, { cookie: `${COOKIE}=${value}; theme=dark`, ...SAME_ORIGIN }),
    )
    expect((await byCookie.next()).data).toBe('{"hello":"/stream"}')
    // Sigil's session cookie stays here; the backend's own passes.
    expect(upstream!.upgrades[2]!.headers).toMatchObject({
      cookie: 'theme=dark',
      'x-sigil-credential': 'cookie',
    })
  })

  it('attack: refused upgrades are HTTP answers before any upgrade, and the upstream never hears of them (401, 403 scope, 404 policy, 403 cross-site cookie)', async () => {
    const { base, user } = await start({
      routePolicy: [
        { methods: ['GET'], path: '/public/*', access: 'public' },
        { methods: ['GET'], path: '/trade-feed', access: 'trade' },
        { methods: ['GET'], path: '/stream', access: 'read' },
      ],
    })
    const readKey = (await createKey(server!, user, { scope: 'read' })).secret
    expect(refusal(await connect(`${base}/stream`))).toEqual([401, 'CREDENTIAL_MISSING'])
    expect(refusal(await connect(`${base}/stream`, { 'x-api-key': `${readKey}x` }))).toEqual([
      401,
      expect.any(String),
    ])
    expect(refusal(await connect(`${base}/stream`, FORGED))).toEqual([401, 'CREDENTIAL_MISSING'])
    expect(refusal(await connect(`${base}/trade-feed`, { 'x-api-key': readKey }))).toEqual([
      403,
      'SCOPE_MISSING',
    ])
    expect(refusal(await connect(`${base}/admin`, user.headers))).toEqual([404, 'NOT_FOUND'])
    expect(refusal(await connect(`${base}/stream/..%2fadmin`, user.headers))).toEqual([404, 'NOT_FOUND'])

    // Cross-site WebSocket hijacking: a browser sends the cookie with any page's upgrade.
    const { value } = await cookieSession(server!.app, newWallet(), server!.clock.now())
    const cookie = { cookie: `${COOKIE}=${value}` }
    expect(refusal(await connect(`${base}/stream`, { ...cookie, ...EVIL_ORIGIN }))).toEqual([
      403,
      'CSRF_REJECTED',
    ])
    expect(refusal(await connect(`${base}/stream`, cookie))).toEqual([403, 'CSRF_REJECTED'])
    expect(upstream!.upgrades).toEqual([])

    // A public path goes without any identity, even when a credential came along.
    const anonymous = opened(await connect(`${base}/public/ticker`, { ...user.headers, ...FORGED }))
    expect((await anonymous.next()).data).toBe('{"hello":"/public/ticker"}')
    const headers = upstream!.upgrades[0]!.headers
    expect(Object.keys(headers).filter((name) => name.startsWith('x-sigil-'))).toEqual([])
    expect(headers.authorization).toBeUndefined()
  })

  it('attack: past the anonymous budget an upgrade is 429 with Retry-After; a blocked country is 403 GEO_BLOCKED; neither reaches the upstream', async () => {
    const { base } = await start({
      rateLimitAnonymousPerMinute: 2,
      trustedProxies: ['127.0.0.1'],
      geoCountryHeader: 'cf-ipcountry',
      geoBlockedCountries: ['KP'],
    })
    expect(
      refusal(await connect(`${base}/stream`, { 'cf-ipcountry': 'KP', 'x-forwarded-for': '198.51.100.7' })),
    ).toEqual([403, 'GEO_BLOCKED'])
    const statuses: number[] = []
    let last: Outcome | undefined
    for (let i = 0; i < 3; i++) {
      last = await connect(`${base}/stream`)
      statuses.push(refusal(last)[0])
    }
    expect(statuses).toEqual([401, 401, 429])
    expect(refusal(last!)).toEqual([429, 'RATE_LIMITED'])
    expect((last as { headers: IncomingHttpHeaders }).headers['retry-after']).toMatch(/^\d+$/)
    expect(upstream!.upgrades).toEqual([])
  })

  it('error: upstream down is 502 UPSTREAM_UNAVAILABLE, a silent one 504 UPSTREAM_TIMEOUT, and the upstream’s own refusal reaches the client as it answered', async () => {
    const { base, user } = await start({ upstreamTimeoutSeconds: 1 })
    const refused = await connect(`${base}/refuse/me`, user.headers)
    expect(refused).toMatchObject({ status: 403, body: '{"refusedBy":"upstream"}' })
    expect((refused as { headers: IncomingHttpHeaders }).headers['x-upstream']).toBe('refused')
    expect(refusal(await connect(`${base}/silent`, user.headers))).toEqual([504, 'UPSTREAM_TIMEOUT'])

    await server!.close()
    server = await startTestServer({ upstreamUrl: await deadUpstreamUrl() })
    await server.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = server.app.server.address() as AddressInfo
    const jwt = await signedIn(server)
    expect(refusal(await connect(`ws://127.0.0.1:${port}/stream`, jwt.headers))).toEqual([
      502,
      'UPSTREAM_UNAVAILABLE',
    ])
  })

  it('attack: a malformed handshake (a duplicated or non-token subprotocol offer, a bad key) is a 400 or a refusal, never a 500, and leaves no upstream socket open', async () => {
    const { base, user } = await start()
    const port = Number(new URL(base).port)
    const upgradeLines = (extra: string[]) => [
      'GET /stream HTTP/1.1',
      'Host: 127.0.0.1',
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      `Authorization: ${user.headers.authorization}`,
      ...extra,
    ]
    const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='
    for (const offer of ['a, a', 'a b', 'a,,b']) {
      const status = await rawStatus(port, upgradeLines([key, `Sec-WebSocket-Protocol: ${offer}`]))
      expect([offer, status]).toEqual([offer, 400])
    }
    // ws refuses a bad key after the upstream accepted: the upstream socket is closed with it.
    expect(await rawStatus(port, upgradeLines(['Sec-WebSocket-Key: short']))).toBe(400)
    await expect.poll(() => upstream!.closes.length, { timeout: 5000 }).toBe(upstream!.upgrades.length)
  })

  it('behavior: closes travel both ways with their code and reason; an upstream that vanishes closes the client with 1014', async () => {
    const { base, user } = await start()
    const first = opened(await connect(`${base}/stream`, user.headers))
    await first.next()
    first.open.send('close:4000')
    expect(await first.closed).toEqual([4000, 'bye'])

    const second = opened(await connect(`${base}/stream`, user.headers))
    await second.next()
    second.open.send('drop')
    expect(await second.closed).toEqual([1014, ''])

    const third = opened(await connect(`${base}/stream`, user.headers))
    await third.next()
    third.open.close(4001, 'client done')
    await third.closed
    await expect
      .poll(() => upstream!.closes.find((close) => close.code === 4001), { timeout: 5000 })
      .toEqual({ code: 4001, reason: 'client done' })
  })

  it('behavior: sockets Sigil serves itself are never proxied (the Paradex socket, its own routes)', async () => {
    const { base, user } = await start()
    const paradex = opened(await connect(`${base}/paradex/v1`))
    paradex.open.send(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'subscribe', params: { channel: 'markets_summary' } }),
    )
    expect(JSON.parse((await paradex.next()).data)).toMatchObject({ jsonrpc: '2.0', id: 1 })

    // An HTTP route of Sigil's own takes no upgrade at all (closed, not forwarded).
    const own = await connect(`${base}/healthz`, user.headers)
    if ('open' in own) expect((await own.closed)[0]).toBe(1005)
    expect(upstream!.upgrades).toEqual([])
  })
})
