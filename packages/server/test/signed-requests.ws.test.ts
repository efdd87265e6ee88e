import { afterEach, describe, expect, it } from 'vitest'
import { revokeKey, signedIn } from './support/api-keys.js'
import { authApiKey, connect, listenNative, rpc, type WsClient } from './support/native-ws.js'
import { type PeerKey, registerSignedKey, signHeaders } from './support/signed-requests.js'
import type { TestServer } from './support/test-server.js'

/**
 * The native WebSocket with a signed-request key: the client signs the upgrade request (RFC
 * 9421), Sigil checks it at the upgrade, and the socket's `auth` adopts it with
 * `{"signedUpgrade": true}`. The key's later changes (revocation) reach the socket like a bearer key's.
 */
describe('native WebSocket: a signed upgrade (RFC 9421)', () => {
  let server: TestServer
  let ws: string
  const clients: WsClient[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    await server?.close()
  })
  const start = async () => {
    const started = await listenNative()
    server = started.server
    ws = started.ws
  }
  /** Opens a socket whose upgrade `key` signed (the headers a client computes before connecting). */
  const openSigned = async (key: PeerKey, headers?: Record<string, string>) => {
    const { host, ...signed } =
      headers ?? (await signHeaders(server, key, { host: new URL(ws).host, target: '/v1/ws' }))
    const client = await connect(ws, { headers: signed })
    clients.push(client)
    return client
  }

  it('behavior: auth {"signedUpgrade": true} after a signed upgrade is the key account, credential api_key', async () => {
    await start()
    const owner = await signedIn(server)
    const key = await registerSignedKey(server, owner, { scope: 'read' })
    const answer = await rpc(await openSigned(key), 'auth', { signedUpgrade: true })
    expect(answer.result).toMatchObject({
      accountId: owner.accountId,
      credential: 'api_key',
      scopes: ['read'],
    })
  })

  it('attack: signedUpgrade on an unsigned upgrade is refused; a replayed, stale or foreign-host upgrade is refused before the upgrade', async () => {
    await start()
    const owner = await signedIn(server)
    const key = await registerSignedKey(server, owner, { scope: 'read' })
    const unsigned = await connect(ws)
    clients.push(unsigned)
    const refused = await rpc(unsigned, 'auth', { signedUpgrade: true })
    expect(refused.error).toMatchObject({ data: { code: 'CREDENTIAL_MISSING' } })

    const headers = await signHeaders(server, key, { host: new URL(ws).host, target: '/v1/ws' })
    await openSigned(key, headers)
    await expect(openSigned(key, headers)).rejects.toThrow(/unexpected response 401/)
    const stale = await signHeaders(server, key, {
      host: new URL(ws).host,
      target: '/v1/ws',
      created: server.clock.now() - 60_000,
    })
    await expect(openSigned(key, stale)).rejects.toThrow(/unexpected response 401/)
    const elsewhere = await signHeaders(server, key, { host: 'evil.example', target: '/v1/ws' })
    await expect(openSigned(key, elsewhere)).rejects.toThrow(/unexpected response 401/)
  })

  it('behavior: revoking the key closes the signed socket (4002 API_KEY_REVOKED); a socket of a signed upgrade may auth otherwise too', async () => {
    await start()
    const owner = await signedIn(server)
    const key = await registerSignedKey(server, owner, { scope: 'read' })
    const socket = await openSigned(key)
    expect((await rpc(socket, 'auth', { signedUpgrade: true })).result).toBeDefined()
    expect((await revokeKey(server, owner, key.id)).statusCode).toBe(204)
    const notice = await socket.next()
    expect(notice).toMatchObject({ method: 'closing', params: { code: 'API_KEY_REVOKED', closeCode: 4002 } })
    expect((await socket.closed).code).toBe(4002)
    // Its `auth` takes the other credentials as well (here a bad bearer key, refused as usual).
    const other = await openSigned(await registerSignedKey(server, owner, { scope: 'read' }))
    expect((await authApiKey(other, 'sgl_sk_bad')).error).toMatchObject({ data: { code: 'API_KEY_INVALID' } })
  })
})
