import type { AddressInfo } from 'node:net'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket as WS } from 'ws'
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js'
import {
  createSigilClient,
  createSigilSocket,
  memoryStorage,
  type SigilClient,
  type SigilSocket,
  type SigilSocketEvents,
  type SigilSocketOptions,
  type SigilSocketSource,
  type TokenStorage,
} from '../src/index.js'
import { type ListeningServer, refreshRequestsSeen, startListeningServer } from './support/server.js'

const PUBLISH_TOKEN = 'test-publish-token-0123456789abcdef'
/** Reconnections in milliseconds, so a test waits for them without a timed assertion. */
const QUICK = { minDelayMs: 20, maxDelayMs: 200 }

const newAccount = () => privateKeyToAccount(generatePrivateKey())

/** The next time `event` fires, with its arguments. */
const next = <E extends keyof SigilSocketEvents>(socket: SigilSocket, event: E) =>
  new Promise<Parameters<SigilSocketEvents[E]>>((resolve) => {
    const off = socket.on(event, ((...args: Parameters<SigilSocketEvents[E]>) => {
      off()
      resolve(args)
    }) as SigilSocketEvents[E])
  })

/** A channel's pushes, read in order. */
function inbox() {
  const messages: unknown[] = []
  let wake: (() => void) | undefined
  return {
    push: (data: unknown) => {
      messages.push(data)
      wake?.()
    },
    async next(): Promise<unknown> {
      while (messages.length === 0) await new Promise<void>((resolve) => (wake = resolve))
      return messages.shift()
    },
    get size() {
      return messages.length
    },
  }
}

/** POST /v1/internal/publish, as the venue's backend does. */
async function publish(server: TestServer, body: { channel: string; data: unknown; accountId?: string }) {
  const response = await server.app.inject({
    method: 'POST',
    url: '/v1/internal/publish',
    headers: { authorization: `Bearer ${PUBLISH_TOKEN}` },
    payload: body,
  })
  expect(response.statusCode).toBe(202)
}

/** The Timeout handles this process holds: what a socket left behind would show up in. */
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length

describe('createSigilSocket against a real server', () => {
  const servers: TestServer[] = []
  const sockets: SigilSocket[] = []
  afterEach(async () => {
    for (const socket of sockets.splice(0)) {
      socket.close()
      await socket.ended
    }
    for (const server of servers.splice(0)) await server.close()
  })

  const start = async (flags: Record<string, unknown> = {}) => {
    const server = await startListeningServer({ publishToken: PUBLISH_TOKEN, ...flags })
    servers.push(server)
    return server
  }
  const clientOf = (server: ListeningServer, options: { apiKey?: string } = {}) =>
    createSigilClient({ baseUrl: server.baseUrl, now: () => server.clock.now(), ...options })
  const signedIn = async (server: ListeningServer) => {
    const client = clientOf(server)
    const { account } = await client.signInWithEthereum(newAccount())
    return { client, accountId: account.id }
  }
  const open = (
    source: SigilSocketSource,
    options: Omit<SigilSocketOptions, keyof SigilSocketSource> = {},
  ) => {
    const socket = createSigilSocket({
      ...source,
      WebSocket: WS,
      reconnect: QUICK,
      ...options,
    } as SigilSocketOptions)
    sockets.push(socket)
    return socket
  }
  const serverSockets = (server: TestServer) => [...server.app.websocketServer.clients]

  it('default: subscriptions made before the socket opens receive public and private pushes, only the account’s', async () => {
    const server = await start()
    const { client, accountId } = await signedIn(server)
    const other = await signedIn(server)
    const socket = open({ client })
    const trades = inbox()
    const orders = inbox()
    const onTrades = socket.subscribe('public:trades', trades.push)
    const onOrders = socket.subscribe('private:orders', orders.push)
    const [auth] = await next(socket, 'authenticated')
    expect(auth).toMatchObject({ accountId, credential: 'jwt', scopes: expect.arrayContaining(['read']) })
    await Promise.all([onTrades.ready, onOrders.ready])
    expect(socket.state).toBe('ready')

    await publish(server, { channel: 'private:orders', data: { id: 'theirs' }, accountId: other.accountId })
    await publish(server, { channel: 'private:orders', data: { id: 'mine' }, accountId })
    await publish(server, { channel: 'public:trades', data: { price: '1.5' } })
    expect(await orders.next()).toEqual({ id: 'mine' })
    expect(await trades.next()).toEqual({ price: '1.5' })

    // Unsubscribed: the server is told, and the next push is not delivered.
    onTrades()
    await expect(onTrades.ready).resolves.toBeUndefined()
    const again = inbox()
    await socket.subscribe('public:other', again.push).ready
    await publish(server, { channel: 'public:trades', data: { price: '2' } })
    await publish(server, { channel: 'public:other', data: 'after' })
    expect(await again.next()).toBe('after')
    expect(trades.size).toBe(0)
  })

  it('default: without a credential, public channels work and a private one is refused with the server’s code', async () => {
    const server = await start()
    const socket = open({ baseUrl: server.baseUrl })
    const trades = inbox()
    await socket.subscribe('public:trades', trades.push).ready
    const errors: string[] = []
    socket.on('error', (error) => errors.push(error.code))
    await expect(socket.subscribe('private:orders', () => {}).ready).rejects.toMatchObject({
      name: 'SigilError',
      code: 'CREDENTIAL_MISSING',
    })
    await expect(socket.subscribe('nope', () => {}).ready).rejects.toMatchObject({ code: 'CHANNEL_UNKNOWN' })
    expect(errors).toEqual(['CREDENTIAL_MISSING', 'CHANNEL_UNKNOWN'])
    await publish(server, { channel: 'public:trades', data: 1 })
    expect(await trades.next()).toBe(1)
  })

  it('behavior: a socket opened before the client signs in authenticates when it does, keeping its subscriptions', async () => {
    const server = await start()
    const client = clientOf(server)
    const socket = open({ client })
    const trades = inbox()
    await socket.subscribe('public:trades', trades.push).ready
    await expect(socket.subscribe('private:orders', () => {}).ready).rejects.toMatchObject({
      code: 'CREDENTIAL_MISSING',
    })

    const authenticated = next(socket, 'authenticated')
    const { account } = await client.signInWithEthereum(newAccount())
    expect((await authenticated)[0]).toMatchObject({ accountId: account.id, credential: 'jwt' })
    const orders = inbox()
    await socket.subscribe('private:orders', orders.push).ready
    await publish(server, { channel: 'private:orders', data: 'mine', accountId: account.id })
    await publish(server, { channel: 'public:trades', data: 'still' })
    expect(await orders.next()).toBe('mine')
    expect(await trades.next()).toBe('still')
  })

  it('default: an API key (a bot’s client) authenticates and receives the account’s private pushes', async () => {
    const server = await start()
    const { client, accountId } = await signedIn(server)
    const key = await client.apiKeys.create({ name: 'bot', scope: 'read' })
    const socket = open({ client: clientOf(server, { apiKey: key.secret }) })
    const fills = inbox()
    const subscribed = socket.subscribe('private:fills', fills.push)
    expect((await next(socket, 'authenticated'))[0]).toMatchObject({ accountId, credential: 'api_key' })
    await subscribed.ready
    await publish(server, { channel: 'private:fills', data: 'fill-1', accountId })
    expect(await fills.next()).toBe('fill-1')
  })

  it('behavior: re-auths with a refreshed token before each JWT expires, so the server never closes it (4003)', async () => {
    // Access tokens of one second: the server closes a socket whose token it was not renewed.
    const server = await start({ accessTokenTtlSeconds: 1 })
    const { client, accountId } = await signedIn(server)
    const socket = open({ client })
    const closes: number[] = []
    socket.on('closed', (code) => closes.push(code))
    const orders = inbox()
    await socket.subscribe('private:orders', orders.push).ready
    const first = (await client.getTokens())!.accessToken
    // Three more auths: the socket has outlived its first two tokens' deadlines.
    for (let i = 0; i < 3; i++) await next(socket, 'authenticated')
    expect(closes).toEqual([])
    expect(serverSockets(server)).toHaveLength(1)
    expect((await client.getTokens())!.accessToken).not.toBe(first)
    expect(await refreshRequestsSeen(server)).toBeGreaterThanOrEqual(3)
    await publish(server, { channel: 'private:orders', data: 'still here', accountId })
    expect(await orders.next()).toBe('still here')
  })

  it('behavior: a token that ran out before its renewal (4003) is refreshed and the socket comes straight back', async () => {
    const server = await start({ accessTokenTtlSeconds: 1 })
    // A storage that overstates how long the access token lives: the renewal is planned too late
    // (as on a laptop that slept through it), so the server closes the socket at the token's exp.
    const kept = memoryStorage()
    const optimistic: TokenStorage = {
      get: async () => {
        const tokens = await kept.get()
        return tokens && { ...tokens, accessTokenExpiresAt: tokens.accessTokenExpiresAt + 3_600_000 }
      },
      set: kept.set,
    }
    const client = createSigilClient({
      baseUrl: server.baseUrl,
      now: () => server.clock.now(),
      storage: optimistic,
    })
    const { account } = await client.signInWithEthereum(newAccount())
    const socket = open({ client })
    const orders = inbox()
    await socket.subscribe('private:orders', orders.push).ready
    const first = (await kept.get())!.accessToken
    const closed = next(socket, 'closed')
    const resubscribed = next(socket, 'subscribed')
    expect(await closed).toEqual([4003, 'credential_expired', true])
    await resubscribed
    expect((await kept.get())!.accessToken).not.toBe(first)
    await publish(server, { channel: 'private:orders', data: 'back', accountId: account.id })
    expect(await orders.next()).toBe('back')
  })

  it('behavior: a logout closes it for good: SESSION_REVOKED, no reconnection', async () => {
    const server = await start()
    const { client } = await signedIn(server)
    const socket = open({ client })
    await socket.subscribe('public:trades', () => {}).ready
    const errored = next(socket, 'error')
    const reconnects: number[] = []
    socket.on('reconnecting', (attempt) => reconnects.push(attempt))
    await client.logout()
    const [error] = await errored
    expect([error.name, error.code]).toEqual(['SigilError', 'SESSION_REVOKED'])
    const end = await socket.ended
    expect([end.code, end.error?.code]).toEqual([4001, 'SESSION_REVOKED'])
    expect(socket.state).toBe('closed')
    expect(reconnects).toEqual([])
    // Closed for good: a subscription now is refused at once.
    await expect(socket.subscribe('public:trades', () => {}).ready).rejects.toMatchObject({
      code: 'SOCKET_CLOSED',
    })
  })

  it('behavior: a dropped connection (1006) reconnects, re-authenticates and re-subscribes', async () => {
    const server = await start()
    const { client, accountId } = await signedIn(server)
    const socket = open({ client })
    const trades = inbox()
    const orders = inbox()
    await Promise.all([
      socket.subscribe('public:trades', trades.push).ready,
      socket.subscribe('private:orders', orders.push).ready,
    ])
    const closed = next(socket, 'closed')
    const reauthed = next(socket, 'authenticated')
    const resubscribed = new Set<string>()
    const both = new Promise<void>((resolve) =>
      socket.on('subscribed', (channel) => {
        resubscribed.add(channel)
        if (resubscribed.size === 2) resolve()
      }),
    )
    for (const peer of serverSockets(server)) peer.terminate()
    expect(await closed).toEqual([1006, '', true])
    expect((await reauthed)[0]).toMatchObject({ accountId })
    await both
    await publish(server, { channel: 'public:trades', data: 'after the drop' })
    await publish(server, { channel: 'private:orders', data: 'mine, after the drop', accountId })
    expect(await trades.next()).toBe('after the drop')
    expect(await orders.next()).toBe('mine, after the drop')
  })

  it('behavior: a server restart on the same port (1001, then refused connections) is waited out and re-subscribed', async () => {
    const flags = { publishToken: PUBLISH_TOKEN }
    const first = await start()
    const { port } = first.app.server.address() as AddressInfo
    const { client, accountId } = await signedIn(first)
    const socket = open({ client })
    const orders = inbox()
    await socket.subscribe('private:orders', orders.push).ready
    const closed = next(socket, 'closed')
    // Down: the app only, so the second process can open the same stores (signing keys, sessions).
    await first.app.close()
    expect((await closed)[0]).toBe(1001)
    await next(socket, 'reconnecting') // at least one attempt finds nothing listening
    const second = await startTestServer(flags, { stores: first.stores, clock: first.clock })
    try {
      const resubscribed = next(socket, 'subscribed')
      await second.app.listen({ host: '127.0.0.1', port })
      expect(await resubscribed).toEqual(['private:orders'])
      await publish(second, { channel: 'private:orders', data: 'from the new process', accountId })
      expect(await orders.next()).toBe('from the new process')
    } finally {
      socket.close()
      await socket.ended
      await second.app.close() // not close(): the stores are the first server's, closed by it
    }
  })

  it('behavior: close() while it waits to reconnect ends it and leaves no timer behind', async () => {
    const server = await start()
    const { client } = await signedIn(server)
    const before = timers()
    const socket = open({ client }, { reconnect: { minDelayMs: 60_000, maxDelayMs: 60_000 } })
    await socket.subscribe('public:trades', () => {}).ready
    const waiting = next(socket, 'reconnecting')
    for (const peer of serverSockets(server)) peer.terminate()
    expect((await waiting)[1]).toBeGreaterThanOrEqual(30_000)
    socket.close()
    expect(await socket.ended).toEqual({ code: 1000, reason: 'client closed' })
    expect(socket.state).toBe('closed')
    expect(timers()).toBeLessThanOrEqual(before)
  })

  it('behavior: close() on an open socket closes it at the server and stops the token renewal', async () => {
    const server = await start()
    const { client } = await signedIn(server)
    const before = timers()
    const socket = open({ client })
    await next(socket, 'authenticated')
    const closed = next(socket, 'closed')
    socket.close()
    expect(await closed).toEqual([1000, 'client closed', false])
    await socket.ended
    expect(timers()).toBeLessThanOrEqual(before)
    await expect.poll(() => serverSockets(server).length).toBe(0)
  })
})

// A client made elsewhere (not by createSigilClient) cannot lend its token.
it('error: a client that createSigilClient did not make is refused at once', () => {
  expect(() => createSigilSocket({ client: {} as SigilClient, WebSocket: WS })).toThrow(/createSigilClient/)
})
