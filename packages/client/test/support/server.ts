import { startTestServer, type TestServer } from '../../../server/test/support/test-server.js'

export interface ListeningServer extends TestServer {
  /** `http://127.0.0.1:<port>`: the client talks to it over a real socket */
  baseUrl: string
}

/** The real Sigil app (in-memory SQLite, manual clock) listening on a loopback port. */
export async function startListeningServer(flags: Record<string, unknown> = {}): Promise<ListeningServer> {
  const server = await startTestServer(flags)
  const baseUrl = await server.app.listen({ host: '127.0.0.1', port: 0 })
  return { ...server, baseUrl }
}

/** How many `POST /v1/auth/refresh` the server has answered, any status, from its own metrics. */
export async function refreshRequestsSeen(server: ListeningServer): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text()
  let total = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith('sigil_http_request_duration_seconds_count{')) continue
    if (line.includes('route="/v1/auth/refresh"')) total += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return total
}
