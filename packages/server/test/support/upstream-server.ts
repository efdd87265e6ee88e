import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

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
