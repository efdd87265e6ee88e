import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { connect, listenParadex, subscribe, type WsClient } from './support/paradex-ws.js'
import type { TestServer } from './support/test-server.js'

describe('Paradex WebSocket: transport', () => {
  let server: TestServer
  const clients: WsClient[] = []
  const start = async (flags: Record<string, unknown> = {}) => {
    const listening = await listenParadex(flags)
    server = listening.server
    return {
      ...listening,
      open: async (options: WebSocket.ClientOptions = {}) => {
        const client = await connect(listening.ws, options)
        clients.push(client)
        return client
      },
    }
  }
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    await server.close()
  })

  it('behavior: invalid JSON is -32700 with a null id, and the socket keeps serving', async () => {
    const { open } = await start()
    const client = await open()
    for (const text of ['not json', '{"jsonrpc":"2.0",', '', '\u0000']) {
      expect(await client.call(text)).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 }, id: null })
    }
    expect((await subscribe(client, 'trades.ALL')).result).toEqual({ channel: 'trades.ALL' })
  })

  it.for([
    ['a batch', [], null],
    ['a bare value', 42, null],
    ['null', null, null],
    ['an object id', { jsonrpc: '2.0', id: { a: 1 }, method: 'auth' }, null],
    ['a boolean id', { jsonrpc: '2.0', id: true, method: 'auth' }, null],
    ['jsonrpc 1.0', { jsonrpc: '1.0', id: 3, method: 'subscribe', params: { channel: 'trades.ALL' } }, 3],
    ['no jsonrpc', { id: 'x', method: 'subscribe', params: { channel: 'trades.ALL' } }, 'x'],
    ['no method', { jsonrpc: '2.0', id: 4 }, 4],
    ['a string as params', { jsonrpc: '2.0', id: 5, method: 'subscribe', params: 'trades.ALL' }, 5],
  ] as const)('behavior: %s is -32600 (invalid request)', async ([, message, id]) => {
    const { open } = await start()
    const client = await open()
    expect(await client.call(message)).toMatchObject({ error: { code: -32600 }, id })
  })

  it('behavior: a binary frame is -32600 (text frames only)', async () => {
    const { open } = await start()
    const client = await open()
    client.socket.send(Buffer.from('{"jsonrpc":"2.0","id":1,"method":"subscribe"}'), { binary: true })
    expect(await client.next()).toMatchObject({ error: { code: -32600, data: 'send text frames' }, id: null })
  })

  it('behavior: an unknown method (the order methods among them) is -32601, id echoed', async () => {
    const { open } = await start()
    const client = await open()
    for (const [method, id] of [
      ['order.create', 1],
      ['ping', 'p'],
      ['__proto__', 2],
    ] as const) {
      expect(await client.call({ jsonrpc: '2.0', id, method, params: {} })).toMatchObject({
        error: { code: -32601, message: 'Method not found' },
        id,
      })
    }
  })

  it('behavior: a message over webSocketMessageLimitBytes closes the socket with 1009 before it is read', async () => {
    const { open } = await start({ webSocketMessageLimitBytes: 1024 })
    const client = await open()
    expect(
      (await client.call({ jsonrpc: '2.0', method: 'subscribe', params: { channel: 'trades.ALL' } })).result,
    ).toBeDefined()
    client.send({ jsonrpc: '2.0', id: 1, method: 'auth', params: { bearer: 'a'.repeat(2000) } })
    expect((await client.closed).code).toBe(1009)
  })

  it('behavior: keepalive: a socket that does not answer pings is dropped within interval + timeout', async () => {
    const { open } = await start({ 'paradex.wsPingIntervalSeconds': 1, 'paradex.wsPongTimeoutSeconds': 1 })
    const silent = await open({ autoPong: false })
    const pings: number[] = []
    silent.socket.on('ping', () => pings.push(Date.now()))
    const { code } = await silent.closed
    expect(pings.length).toBeGreaterThanOrEqual(1)
    // Terminated, not closed: no close frame, so the client sees 1006.
    expect(code).toBe(1006)
  })

  it('behavior: keepalive: a socket that answers pings stays open past several intervals', async () => {
    const { open } = await start({ 'paradex.wsPingIntervalSeconds': 1, 'paradex.wsPongTimeoutSeconds': 1 })
    const client = await open()
    // By the third ping the first one's pong deadline is long past: an unanswered socket would be gone.
    await new Promise<void>((resolve) => {
      let pings = 0
      client.socket.on('ping', () => {
        pings += 1
        if (pings === 3) resolve()
      })
    })
    expect(client.socket.readyState).toBe(WebSocket.OPEN)
    expect((await subscribe(client, 'trades.ALL')).result).toBeDefined()
  })

  it("behavior: a client's protocol ping is answered with a pong (ccxt pings every 30 s)", async () => {
    const { open } = await start()
    const client = await open()
    const pong = new Promise<string>((resolve) =>
      client.socket.once('pong', (data) => resolve(data.toString())),
    )
    client.socket.ping('ccxt')
    expect(await pong).toBe('ccxt')
  })

  it('behavior: a plain GET (no upgrade) is 426 with Paradex’s error body and Upgrade: websocket', async () => {
    const { http } = await start()
    const response = await fetch(http)
    expect(response.status).toBe(426)
    expect(response.headers.get('upgrade')).toBe('websocket')
    expect(await response.json()).toEqual({
      error: 'VALIDATION_ERROR',
      message: expect.stringContaining('WebSocket'),
      data: null,
    })
  })

  it('behavior: the upgrade passes the rate limiter as a sign-in request of its IP: past the limit it is an HTTP 429 in Paradex’s body', async () => {
    const { ws, open } = await start({ rateLimitSignInPerMinute: 2 })
    await open()
    await open()
    const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const socket = new WebSocket(ws)
      socket.on('open', () => reject(new Error('upgraded past the limit')))
      socket.on('error', () => {})
      socket.on('unexpected-response', (_request, response) => {
        let body = ''
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString()
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      })
    })
    expect(refused.status).toBe(429)
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'RATE_LIMIT_EXCEEDED', data: null })
  })

  it('behavior: an upgrade to an HTTP-only route is closed, and an unknown path is a 404: neither hangs', async () => {
    const { ws } = await start()
    const origin = ws.replace(/\/paradex\/v1$/, '')
    const toRoute = new WebSocket(`${origin}/paradex/v1/system/config`)
    toRoute.on('error', () => {})
    const outcome = await new Promise<string>((resolve) => {
      toRoute.on('close', () => resolve('closed'))
      toRoute.on('unexpected-response', (_request, response) => resolve(`http ${response.statusCode}`))
    })
    expect(outcome).toBe('closed')
    const unknown = new WebSocket(`${origin}/paradex/v1/nope`)
    unknown.on('error', () => {})
    const status = await new Promise<number>((resolve) =>
      unknown.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
    )
    expect(status).toBe(404)
  })

  it('behavior: closing the app closes its sockets', async () => {
    const { open } = await start()
    const client = await open()
    await server.app.close()
    expect((await client.closed).code).toBeGreaterThanOrEqual(1000)
  })

  it('attack: one address holds at most paradex.wsMaxSocketsPerIp open sockets; a closed one frees its place', async () => {
    const { open } = await start({ 'paradex.wsMaxSocketsPerIp': 2 })
    const first = await open()
    await open()
    await expect(open()).rejects.toThrow('unexpected response 429')
    first.close()
    await first.closed
    // The count drops when the server sees the close; the next upgrade gets through.
    let third: WsClient | undefined
    for (let attempt = 0; attempt < 20 && !third; attempt++) {
      third = await open().catch(() => undefined)
      if (!third) await new Promise((resolve) => setTimeout(resolve, 25))
    }
    expect(third).toBeDefined()
  })
})
