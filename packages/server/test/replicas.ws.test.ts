import { afterEach, describe, expect, it } from 'vitest'
import { createKey, revokeKey, signedIn } from './support/api-keys.js'
import {
  authApiKey,
  authBearer,
  connect,
  listenNative,
  PUBLISH_TOKEN,
  publish,
  subscribeTo,
  type WsClient,
} from './support/native-ws.js'
import { usePostgresDatabase } from './support/postgres.js'
import { useReplicas } from './support/replicas.js'

/**
 * Two replicas in one process over one PostgreSQL database and one Redis: a socket on B is closed
 * within a second of a revocation made through A, and a publication through A's endpoint reaches it.
 */
describe('replicas sharing PostgreSQL and Redis: WebSockets', () => {
  const servers = useReplicas(usePostgresDatabase())
  const clients: WsClient[] = []
  // Registered after the replicas' hook, so run before it: the sockets close before their servers.
  afterEach(() => {
    for (const client of clients.splice(0)) client.close()
  })

  const replicas = async () => {
    const shared = servers.flags({ publishToken: PUBLISH_TOKEN })
    const a = await servers.start(shared)
    const b = await listenNative(shared, { clock: a.clock })
    servers.keep(b.server)
    const open = async () => {
      const client = await connect(b.ws)
      clients.push(client)
      return client
    }
    return { a, b: b.server, open }
  }

  /** The `closing` notice must come within a second (a bounded wait: `next` fails past it), then the close. */
  async function closedWithinASecond(client: WsClient, closeCode: number) {
    expect((await client.next(1000)).params.closeCode).toBe(closeCode)
    expect((await client.closed).code).toBe(closeCode)
  }

  it('behavior: logout on A closes the session’s socket on B (4001) within a second', async () => {
    const { a, b, open } = await replicas()
    const me = await signedIn(a)
    const socket = await open()
    expect((await authBearer(socket, me.accessToken)).result.accountId).toBe(me.accountId)
    expect(b.gateway.liveConnections.size).toBe(1)
    const logout = await a.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: me.headers })
    expect(logout.statusCode).toBe(204)
    await closedWithinASecond(socket, 4001)
  })

  it('behavior: revoking a key on A closes its socket on B (4002) within a second', async () => {
    const { a, open } = await replicas()
    const me = await signedIn(a)
    const key = await createKey(a, me, { scope: 'read' })
    const socket = await open()
    await authApiKey(socket, key.secret)
    expect((await revokeKey(a, me, key.id)).statusCode).toBe(204)
    await closedWithinASecond(socket, 4002)
  })

  it('behavior: "log out everywhere" on A closes the account’s sockets on B', async () => {
    const { a, open } = await replicas()
    const me = await signedIn(a)
    const second = await signedIn(a, me.wallet)
    const [first, other] = [await open(), await open()]
    await authBearer(first, me.accessToken)
    await authBearer(other, second.accessToken)
    await a.app.inject({ method: 'POST', url: '/v1/auth/logout-all', headers: me.headers })
    await closedWithinASecond(first, 4001)
    await closedWithinASecond(other, 4001)
  })

  it('behavior: a private message published through A’s endpoint reaches its account’s socket on B only', async () => {
    const { a, open } = await replicas()
    const [alice, bob] = [await signedIn(a), await signedIn(a)]
    const [aliceSocket, bobSocket] = [await open(), await open()]
    await authBearer(aliceSocket, alice.accessToken)
    await authBearer(bobSocket, bob.accessToken)
    for (const client of [aliceSocket, bobSocket]) await subscribeTo(client, 'private:orders')
    const response = await publish(a, {
      channel: 'private:orders',
      data: { id: 1 },
      accountId: alice.accountId,
    })
    expect(response.statusCode).toBe(202)
    expect((await aliceSocket.next(1000)).params).toEqual({ channel: 'private:orders', data: { id: 1 } })
    await expect(bobSocket.next(300)).rejects.toThrow('no frame')
  })
})
