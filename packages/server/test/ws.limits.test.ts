import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from './support/eventually.js'
import {
  connect,
  type Frame,
  listenNative,
  serverSockets,
  subscribeTo,
  type WsClient,
} from './support/native-ws.js'
import { listenParadex } from './support/paradex-ws.js'
import type { TestServer } from './support/test-server.js'

/** Every frame the server sent before it closed, and the close code. */
async function untilClosed(client: WsClient): Promise<{ frames: Frame[]; code: number }> {
  const { code } = await client.closed
  const frames: Frame[] = []
  for (;;) {
    try {
      frames.push(await client.next(50))
    } catch {
      return { frames, code }
    }
  }
}

const subscribeFrame = (i: number) => ({
  jsonrpc: '2.0',
  id: i,
  method: 'subscribe',
  params: { channel: `public:t${i}` },
})

/** The bounds of both WebSockets: message rate per socket and per client IP, slow consumers, sockets per IP. */
describe('WebSocket bounds', () => {
  const servers: TestServer[] = []
  const clients: WsClient[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    for (const server of servers.splice(0)) await server.close()
  })
  const start = async (flags: Record<string, unknown>) => {
    const started = await listenNative(flags)
    servers.push(started.server)
    const open = async () => {
      const client = await connect(started.ws)
      clients.push(client)
      return client
    }
    return { server: started.server, open, url: started.ws }
  }

  it('attack: a flood of frames is answered up to the burst, then refused (-32029), then closed (4029)', async () => {
    const { open } = await start({ webSocketMessagesPerSecond: 1, webSocketMessageBurst: 5 })
    const client = await open()
    for (let i = 0; i < 1000; i++) client.send(subscribeFrame(i))
    const { frames, code } = await untilClosed(client)
    expect(code).toBe(4029)
    const answered = frames.filter((frame) => frame.result)
    const refused = frames.filter((frame) => frame.error?.code === -32029)
    expect(answered.length).toBeGreaterThanOrEqual(5)
    expect(answered.length).toBeLessThan(10)
    expect(refused.length).toBeGreaterThan(0)
    expect(refused.length).toBeLessThanOrEqual(10)
    expect(refused[0]!.error.data).toEqual({ code: 'RATE_LIMITED', detail: 'too many messages: slow down' })
    // Far fewer answers than frames sent: the rest were never worked on.
    expect(frames.length).toBeLessThan(30)
  })

  it('attack: more sockets do not multiply an address’s rate: the per-IP budget spans them', async () => {
    const { open } = await start({
      webSocketMessagesPerSecond: 100,
      webSocketMessageBurst: 3,
      webSocketMessagesPerSecondPerIp: 1,
    })
    const [first, second] = [await open(), await open()]
    for (let i = 0; i < 3; i++) expect((await first.call(subscribeFrame(i))).result).toBeDefined()
    expect((await second.call(subscribeFrame(9))).error.code).toBe(-32029)
  })

  it('attack: the Paradex socket is bounded the same way, in Paradex’s error shape (100), then closed (4029)', async () => {
    const paradex = await listenParadex({ webSocketMessagesPerSecond: 1, webSocketMessageBurst: 5 })
    servers.push(paradex.server)
    const client = await connect(paradex.ws)
    clients.push(client)
    for (let i = 0; i < 1000; i++)
      client.send({ jsonrpc: '2.0', id: i, method: 'subscribe', params: { channel: 'trades.ALL' } })
    const { frames, code } = await untilClosed(client)
    expect(code).toBe(4029)
    const refused = frames.filter((frame) => frame.error?.data === 'rate limited: too many messages')
    expect(refused.length).toBeGreaterThan(0)
    expect(refused[0]!.error.code).toBe(100)
    expect(frames.length).toBeLessThan(30)
  })

  it('attack: a client that stops reading is closed (4008) once its unsent output passes the bound', async () => {
    const { server, open } = await start({ webSocketMaxBufferedBytes: 65_536 })
    const client = await open()
    await subscribeTo(client, 'public:book')
    const [serverSide] = serverSockets(server)
    const tcp = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket
    tcp.pause()
    const chunk = 'x'.repeat(64 * 1024)
    let published = 0
    // Kernel buffers take the first megabytes; the bound applies to what is left in the process.
    while (serverSide!.readyState === serverSide!.OPEN && published < 4000) {
      await server.gateway.publishHub.publish({ channel: 'public:book', data: chunk })
      published += 1
    }
    expect(serverSide!.readyState).not.toBe(serverSide!.OPEN)
    // What the process still holds for it is bounded: the limit plus the one frame that crossed it.
    expect(serverSide!.bufferedAmount).toBeLessThan(65_536 + 2 * chunk.length)
    tcp.resume()
    expect((await untilClosed(client)).code).toBe(4008)
  })

  it('attack: one address holds at most native.wsMaxSocketsPerIp sockets; a closed one frees its place', async () => {
    const { open, server } = await start({ 'native.wsMaxSocketsPerIp': 1 })
    const first = await open()
    await expect(open()).rejects.toThrow('unexpected response 429')
    first.close()
    await first.closed
    await eventually(2000, async () => serverSockets(server).length === 0)
    expect(await open()).toBeDefined()
  })
})
