import type { AddressInfo } from 'node:net'
import { connect, type Frame, type WsClient } from './paradex-ws.js'
import { startTestServer, type TestServer, type TestServerOptions } from './test-server.js'

export { connect, type Frame, type WsClient }

/** A publish token of the documented minimum length (32 characters). */
export const PUBLISH_TOKEN = 'test-publish-token-0123456789abcdef'

/** A Sigil listening on a loopback port with its native WebSocket at `ws`. */
export async function listenNative(flags: Record<string, unknown> = {}, options: TestServerOptions = {}) {
  const server = await startTestServer(flags, options)
  await server.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = server.app.server.address() as AddressInfo
  return { server, ws: `ws://127.0.0.1:${port}/v1/ws`, http: `http://127.0.0.1:${port}` }
}

let nextId = 1
/** One JSON-RPC request with an id; resolves with the next frame (its answer, when nothing else is pushed). */
export const rpc = (client: WsClient, method: string, params?: unknown) =>
  client.call({ jsonrpc: '2.0', id: nextId++, method, ...(params === undefined ? {} : { params }) })

export const authBearer = (client: WsClient, bearer: unknown) => rpc(client, 'auth', { bearer })
export const authApiKey = (client: WsClient, apiKey: unknown) => rpc(client, 'auth', { apiKey })
export const subscribeTo = (client: WsClient, channel: string) => rpc(client, 'subscribe', { channel })

/** POST /v1/internal/publish as the backend would; `token: null` sends no Authorization. */
export function publish(server: TestServer, body: unknown, token: string | null = PUBLISH_TOKEN) {
  return server.app.inject({
    method: 'POST',
    url: '/v1/internal/publish',
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    payload: body as Record<string, unknown>,
  })
}

/** The server's own sockets (for tests that look at the server side of a connection). */
export const serverSockets = (server: TestServer) => [...server.app.websocketServer.clients]
