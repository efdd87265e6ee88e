import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'

export interface Received {
  method: string
  /** The request target exactly as it arrived: path and query. */
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export interface Upstream {
  /** `http://127.0.0.1:<port>` */
  url: string
  received: Received[]
  close(): Promise<void>
}

/** What the upstream answers by default: 200 JSON echoing where the request landed. */
const echo = (request: Received, response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' })
  response.end(JSON.stringify({ upstream: true, method: request.method, url: request.url }))
}

/**
 * A real HTTP backend on 127.0.0.1:0 that records every request it receives (method, raw target,
 * headers, body bytes), so a test sees exactly what Sigil forwarded, or that it forwarded nothing.
 */
export async function startUpstream(
  respond: (request: Received, response: ServerResponse) => void = echo,
): Promise<Upstream> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      received.push(request)
      respond(request, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** An address where nothing listens (a port just released): connecting is refused. */
export async function deadUpstreamUrl(): Promise<string> {
  const upstream = await startUpstream()
  await upstream.close()
  return upstream.url
}

export interface WebSocketUpstream {
  /** `http://127.0.0.1:<port>`: what `upstreamUrl` names. */
  url: string
  /** Every upgrade request that reached it (method, target, headers), accepted or not. */
  upgrades: Omit<Received, 'body'>[]
  /** Close codes and reasons its accepted sockets saw from Sigil, in order. */
  closes: { code: number; reason: string }[]
  close(): Promise<void>
}

/**
 * A real WebSocket backend (ws) on 127.0.0.1:0 that records every upgrade it receives. Accepted
 * sockets greet at once (`{"hello":<target>}`, so a lost first frame shows), echo every message
 * as it came (text as text, binary as binary), choose the LAST subprotocol offered (ws's own
 * default is the first: a test sees whose choice the client got), and obey `close:<code>` (close
 * with that code and reason `bye`) and `drop` (vanish without a close frame).
 * Paths starting `/refuse` are answered 403 with a JSON body; `/silent` never answered.
 */
export async function startWebSocketUpstream(): Promise<WebSocketUpstream> {
  const upgrades: WebSocketUpstream['upgrades'] = []
  const closes: WebSocketUpstream['closes'] = []
  const held = new Set<Duplex>()
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => [...protocols].at(-1) ?? false,
  })
  const server = createServer((_req, res) => res.writeHead(426).end())
  server.on('upgrade', (req, socket, head) => {
    upgrades.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    if (req.url?.startsWith('/silent')) {
      held.add(socket)
      return
    }
    if (req.url?.startsWith('/refuse')) {
      const body = JSON.stringify({ refusedBy: 'upstream' })
      socket.end(
        `HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\nx-upstream: refused\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      )
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(JSON.stringify({ hello: req.url }))
      ws.on('message', (data, isBinary) => {
        const text = isBinary ? '' : data.toString()
        if (text.startsWith('close:')) ws.close(Number(text.slice(6)), 'bye')
        else if (text === 'drop') ws.terminate()
        else ws.send(data, { binary: isBinary })
      })
      ws.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    upgrades,
    closes,
    close: async () => {
      for (const client of wss.clients) client.terminate()
      for (const socket of held) socket.destroy()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
