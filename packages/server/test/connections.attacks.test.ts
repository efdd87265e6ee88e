import { type AddressInfo, connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { eventually } from './support/eventually.js'
import { startTestServer, type TestServer } from './support/test-server.js'

/**
 * Attacks on the connection layer of a real listening Sigil, over raw sockets: slow clients
 * (slowloris, a body that never ends) are cut off by the deadlines, and one address cannot hold
 * more than `maxConnectionsPerIp` sockets while the server keeps answering everyone else.
 */
describe('connection bounds', () => {
  let server: TestServer | undefined
  const sockets: Socket[] = []
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy()
    await server?.close()
    server = undefined
  })

  async function listen(flags: Record<string, unknown>) {
    server = await startTestServer(flags)
    await server.app.listen({ host: '127.0.0.1', port: 0 })
    return (server.app.server.address() as AddressInfo).port
  }

  /** A raw socket (from `localAddress` if given) that records what it receives and when it is closed. */
  function open(port: number, localAddress?: string) {
    const socket = connect({ host: '127.0.0.1', port, ...(localAddress ? { localAddress } : {}) })
    sockets.push(socket)
    let received = ''
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1')
    })
    // A reset (the cap's destroy) is a close like any other here.
    socket.on('error', () => {})
    const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)))
    const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    return { socket, closed, connected, received: () => received }
  }

  /** A keep-alive GET /healthz on `client`, answered 200 (the socket stays open afterwards). */
  async function healthz(client: ReturnType<typeof open>) {
    await client.connected
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: sigil\r\n\r\n')
    await eventually(5000, async () => client.received().includes('{"status":"ok"}'))
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 /)
  }

  it('error: a client that sends headers and part of the body is cut off with 408', async () => {
    const port = await listen({ headersTimeoutSeconds: 1, requestTimeoutSeconds: 1 })
    const client = open(port)
    await client.connected
    client.socket.write(
      'POST /v1/auth/nonce HTTP/1.1\r\nHost: sigil\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"addr',
    )
    expect(await client.closed).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('error: a client that never finishes its headers is cut off with 408 (slowloris)', async () => {
    const port = await listen({ headersTimeoutSeconds: 1, requestTimeoutSeconds: 5 })
    const client = open(port)
    await client.connected
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: sigil\r\nX-Slow: ')
    expect(await client.closed).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('error: a connection that never sends anything is cut off too', async () => {
    const port = await listen({ headersTimeoutSeconds: 1, requestTimeoutSeconds: 5 })
    const client = open(port)
    await client.connected
    expect(await client.closed).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('error: a WebSocket handshake that never finishes is cut off like any request', async () => {
    const port = await listen({ headersTimeoutSeconds: 1, requestTimeoutSeconds: 5 })
    const client = open(port)
    await client.connected
    client.socket.write(
      'GET /paradex/v1 HTTP/1.1\r\nHost: sigil\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n',
    )
    expect(await client.closed).toMatch(/^HTTP\/1\.1 408 /)
  })

  it('error: a keep-alive connection left idle after its answer is closed', async () => {
    const port = await listen({ keepAliveTimeoutSeconds: 1 })
    const client = open(port)
    await healthz(client)
    expect(await client.closed).toMatch(/^HTTP\/1\.1 200 [\s\S]*\{"status":"ok"\}$/)
  })

  it('error: one connection over maxConnectionsPerIp is closed at once; others are still served', async () => {
    const port = await listen({ maxConnectionsPerIp: 3 })
    // Three held connections: two keep-alive HTTP ones and an upgraded WebSocket (it keeps its socket).
    const held = [open(port), open(port)]
    for (const client of held) await healthz(client)
    const ws = new WebSocket(`ws://127.0.0.1:${port}/paradex/v1`)
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))

    const extra = open(port)
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: sigil\r\n\r\n')
    expect(await extra.closed).toBe('') // closed before a byte was answered

    // Another client (127.0.0.2: loopback is all of 127.0.0.0/8) is served while 127.0.0.1 is at its cap.
    await healthz(open(port, '127.0.0.2'))

    // Once the WebSocket is gone, 127.0.0.1 may open one again.
    ws.close()
    await eventually(5000, async () => {
      const fresh = open(port)
      fresh.socket.write('GET /healthz HTTP/1.1\r\nHost: sigil\r\nConnection: close\r\n\r\n')
      return (await fresh.closed).startsWith('HTTP/1.1 200 ')
    })
  })

  it('behavior: a trusted proxy carries many clients and is not capped', async () => {
    const port = await listen({ maxConnectionsPerIp: 2, trustedProxies: ['127.0.0.1'] })
    const clients = [open(port), open(port), open(port), open(port)]
    for (const client of clients) await healthz(client)
  })

  it('parameters: headersTimeoutSeconds longer than requestTimeoutSeconds is a configuration error', async () => {
    await expect(startTestServer({ headersTimeoutSeconds: 20, requestTimeoutSeconds: 10 })).rejects.toThrow(
      /headersTimeoutSeconds: 20 is longer than requestTimeoutSeconds/,
    )
  })
})
