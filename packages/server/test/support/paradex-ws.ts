import type { AddressInfo } from 'node:net'
import WebSocket from 'ws'
import type { Scope } from '../../src/core/scopes.js'
import { mintAccessToken } from './access-tokens.js'
import { onboard, paradexAuth } from './paradex-client.js'
import { type A1, A2 } from './paradex-vectors.js'
import { startTestServer, type TestServer } from './test-server.js'

// biome-ignore lint/suspicious/noExplicitAny: frames are arbitrary JSON the tests inspect field by field
export type Frame = Record<string, any>

/** A Sigil listening on a loopback port, its clock inside the A1/A2 vectors' auth windows. */
export async function listenParadex(flags: Record<string, unknown> = {}) {
  const server = await startTestServer(flags)
  server.clock.set(1_700_000_060_000)
  await server.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = server.app.server.address() as AddressInfo
  return { server, ws: `ws://127.0.0.1:${port}/paradex/v1`, http: `http://127.0.0.1:${port}/paradex/v1` }
}

/** A real Paradex JWT: the vector account onboards and signs `/v1/auth` (A2 by default). */
export async function paradexJwt(server: TestServer, signer: typeof A1 | typeof A2 = A2): Promise<string> {
  expect200(await onboard(server.app, signer))
  const response = await paradexAuth(server.app, signer.account, signer.auth)
  expect200(response)
  return response.json().jwt_token
}

function expect200(response: { statusCode: number; body: string }) {
  if (response.statusCode !== 200) throw new Error(`${response.statusCode} ${response.body}`)
}

/** An access token minted by the gateway itself, for identities the HTTP routes cannot make. */
export async function mintedJwt(
  server: TestServer,
  accountId: string,
  options: { scopes?: Scope[]; isolatedAccountIds?: string[] } = {},
) {
  const { token } = await mintAccessToken(server, {
    accountId,
    sessionId: `ws-test-${accountId}`,
    scopes: options.scopes ?? ['read', 'trade'],
    clientId: 'paradex',
    ...(options.isolatedAccountIds ? { isolatedAccountIds: options.isolatedAccountIds } : {}),
  })
  return token
}

export interface WsClient {
  socket: WebSocket
  /** Sends one JSON-RPC message (objects are serialized; strings and buffers go as they are). */
  send(message: unknown): void
  /** The next frame from the server, in order; fails after `timeoutMs`. */
  next(timeoutMs?: number): Promise<Frame>
  /** Sends, then returns the next frame. */
  call(message: unknown): Promise<Frame>
  /** Resolves with the close code once the socket is closed (by either side). */
  closed: Promise<{ code: number; reason: string }>
  close(): void
}

export async function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<WsClient> {
  const socket = new WebSocket(url, options)
  const frames: Frame[] = []
  const waiting: ((frame: Frame) => void)[] = []
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame
    const waiter = waiting.shift()
    if (waiter) waiter(frame)
    else frames.push(frame)
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`unexpected response ${response.statusCode}`)),
    )
  })
  const send = (message: unknown) =>
    socket.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message))
  const next = (timeoutMs = 2_000) =>
    frames.length > 0
      ? Promise.resolve(frames.shift()!)
      : new Promise<Frame>((resolve, reject) => {
          const timer = setTimeout(() => {
            waiting.splice(waiting.indexOf(settle), 1)
            reject(new Error('no frame from the server'))
          }, timeoutMs)
          const settle = (frame: Frame) => {
            clearTimeout(timer)
            resolve(frame)
          }
          waiting.push(settle)
        })
  return {
    socket,
    send,
    next,
    call: (message) => {
      send(message)
      return next()
    },
    closed,
    close: () => socket.close(),
  }
}

/** `auth` as ccxt sends it; resolves with the server's answer. */
export const auth = (client: WsClient, bearer: unknown, id: number | string = 1) =>
  client.call({ jsonrpc: '2.0', id, method: 'auth', params: { bearer } })

/** `subscribe` as ccxt sends it: no id. */
export const subscribe = (client: WsClient, channel: string) =>
  client.call({ jsonrpc: '2.0', method: 'subscribe', params: { channel } })

export const unsubscribe = (client: WsClient, channel: string) =>
  client.call({ jsonrpc: '2.0', method: 'unsubscribe', params: { channel } })
