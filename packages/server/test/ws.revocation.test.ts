import { afterEach, describe, expect, it } from 'vitest'
import { mintAccessToken } from './support/access-tokens.js'
import { createKey, revokeKey, rotateKey, signedIn } from './support/api-keys.js'
import { eventually } from './support/eventually.js'
import {
  authApiKey,
  authBearer,
  connect,
  listenNative,
  rpc,
  subscribeTo,
  type WsClient,
} from './support/native-ws.js'
import {
  listenParadex,
  auth as paradexAuth,
  paradexJwt,
  subscribe as paradexSubscribe,
} from './support/paradex-ws.js'
import type { TestServer } from './support/test-server.js'

const post = (server: TestServer, url: string, token: string) =>
  server.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` } })

/** The last frame before the close says why; then the close code does. */
async function expectClosedFor(client: WsClient, closeCode: number, code: string) {
  const notice = await client.next()
  expect(notice).toMatchObject({ jsonrpc: '2.0', method: 'closing', params: { code, closeCode } })
  expect((await client.closed).code).toBe(closeCode)
}

/** Sockets do not outlive their credential: revocations and expiry close them, with documented codes. */
describe('WebSockets close when their credential ends', () => {
  const servers: TestServer[] = []
  const clients: WsClient[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    for (const server of servers.splice(0)) await server.close()
  })
  const start = async (flags: Record<string, unknown> = {}) => {
    const started = await listenNative(flags)
    servers.push(started.server)
    const open = async () => {
      const client = await connect(started.ws)
      clients.push(client)
      return client
    }
    return { server: started.server, open }
  }

  it('behavior: logout closes the session’s sockets (4001 SESSION_REVOKED), not another session’s', async () => {
    const { server, open } = await start()
    const me = await signedIn(server)
    const other = await signedIn(server, me.wallet)
    const [mine, theirs] = [await open(), await open()]
    await authBearer(mine, me.accessToken)
    await authBearer(theirs, other.accessToken)
    expect((await post(server, '/v1/auth/logout', me.accessToken)).statusCode).toBe(204)
    await expectClosedFor(mine, 4001, 'SESSION_REVOKED')
    expect((await subscribeTo(theirs, 'public:trades')).result).toBeDefined()
  })

  it('behavior: "log out everywhere" closes every session’s sockets of the account', async () => {
    const { server, open } = await start()
    const me = await signedIn(server)
    const second = await signedIn(server, me.wallet)
    const sockets = [await open(), await open()]
    await authBearer(sockets[0]!, me.accessToken)
    await authBearer(sockets[1]!, second.accessToken)
    expect((await post(server, '/v1/auth/logout-all', second.accessToken)).statusCode).toBe(204)
    for (const socket of sockets) await expectClosedFor(socket, 4001, 'SESSION_REVOKED')
  })

  it('behavior: revoking an API key closes its sockets (4002 API_KEY_REVOKED)', async () => {
    const { server, open } = await start()
    const me = await signedIn(server)
    const key = await createKey(server, me, { scope: 'read' })
    const socket = await open()
    await authApiKey(socket, key.secret)
    expect((await revokeKey(server, me, key.id)).statusCode).toBe(204)
    await expectClosedFor(socket, 4002, 'API_KEY_REVOKED')
  })

  it('behavior: rotating a key without grace closes sockets on the old secret; with grace they stay, and the new secret’s too', async () => {
    const { server, open } = await start()
    const me = await signedIn(server)
    const key = await createKey(server, me, { scope: 'read' })
    const old = await open()
    await authApiKey(old, key.secret)
    const graced = await rotateKey(server, me, key.id, { gracePeriodSeconds: 3600 })
    expect(graced.statusCode).toBe(200)
    const renewed = await open()
    await authApiKey(renewed, graced.json().secret)
    // Still open, told to close at the grace end: the re-check answered.
    expect((await subscribeTo(old, 'public:a')).result).toBeDefined()
    expect((await rotateKey(server, me, key.id, { gracePeriodSeconds: 0 })).statusCode).toBe(200)
    // Both secrets it held are now out: the old one and the one just replaced.
    await expectClosedFor(old, 4002, 'API_KEY_INVALID')
    await expectClosedFor(renewed, 4002, 'API_KEY_INVALID')
  })

  it('behavior: a native socket closes when its JWT expires (4003 TOKEN_EXPIRED); a new auth moves the deadline', async () => {
    const { server, open } = await start({ accessTokenTtlSeconds: 1 })
    const me = await signedIn(server)
    const expiring = await open()
    await authBearer(expiring, me.accessToken)
    await expectClosedFor(expiring, 4003, 'TOKEN_EXPIRED')

    const extended = await open()
    await authBearer(extended, (await signedIn(server, me.wallet)).accessToken)
    const { token: longer } = await mintAccessToken(server, {
      accountId: me.accountId,
      sessionId: 'long-lived',
      scopes: ['read'],
      clientId: 'native',
      ttlSeconds: 3600,
    })
    expect((await authBearer(extended, longer)).result.credential).toBe('jwt')
    // A witness authenticated after it with a 1-second token: once it is closed, the first
    // token's deadline has passed too, and the re-authenticated socket is still serving.
    const witness = await open()
    await authBearer(witness, (await signedIn(server, me.wallet)).accessToken)
    await expectClosedFor(witness, 4003, 'TOKEN_EXPIRED')
    expect((await subscribeTo(extended, 'public:a')).result).toBeDefined()
  })

  it('behavior: a Paradex socket outlives its JWT (Paradex semantics) but closes on revocation (4001)', async () => {
    const paradex = await listenParadex({ 'paradex.jwtTtlSeconds': 1, accessTokenTtlSeconds: 1 })
    servers.push(paradex.server)
    const server = paradex.server
    const socket = await connect(paradex.ws)
    clients.push(socket)
    const jwt = await paradexJwt(server)
    expect((await paradexAuth(socket, jwt)).result).toBeDefined()
    // A witness on the native socket of the same server, authenticated later with a 1-second token.
    const port = new URL(paradex.ws).port
    const witness = await connect(`ws://127.0.0.1:${port}/v1/ws`)
    clients.push(witness)
    const me = await signedIn(server)
    await authBearer(witness, me.accessToken)
    await expectClosedFor(witness, 4003, 'TOKEN_EXPIRED')
    expect((await paradexSubscribe(socket, 'orders.ALL')).result).toEqual({ channel: 'orders.ALL' })

    const identity = await server.gateway.authenticateAccessToken(jwt)
    await server.gateway.account.logout(identity, '127.0.0.1')
    const notice = await socket.next()
    expect(notice).toMatchObject({
      method: 'closing',
      params: { channel: 'closing', code: 'SESSION_REVOKED', closeCode: 4001 },
    })
    expect((await socket.closed).code).toBe(4001)
  })

  it('behavior: a socket that was closed is forgotten by the registry (nothing left to end)', async () => {
    const { server, open } = await start()
    const me = await signedIn(server)
    const socket = await open()
    await authBearer(socket, me.accessToken)
    expect(server.gateway.liveConnections.size).toBe(1)
    socket.close()
    await socket.closed
    await eventually(1000, async () => server.gateway.liveConnections.size === 0)
    // A failed re-auth keeps the identity it had; the registry counts it once.
    const again = await open()
    await authBearer(again, me.accessToken)
    await rpc(again, 'auth', { bearer: 'a.b.c' })
    expect(server.gateway.liveConnections.size).toBe(1)
  })
})
