import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from './support/eventually.js'
import { onboard, PARADEX, paradexAuth } from './support/paradex-client.js'
import { paradexSigner, paradexSubkeySigner } from './support/paradex-signer.js'
import { auth, connect, type WsClient } from './support/paradex-ws.js'
import { useReplicas } from './support/replicas.js'
import { tempDatabaseUrl } from './support/temp-dir.js'
import type { TestServer } from './support/test-server.js'

const MAIN_KEY = '0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc'
const SUB_KEY = '0x7a1d5e8c3b2f4a6d9e0c1b3a5f7e9d2c4b6a8f0e1d3c5b7a9f2e4d6c8b0a1e3'
const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` })

/**
 * A subkey revoked on one replica: its tokens stop on the other within a second, its sockets
 * there close, and a replica started afterwards (a restart) still refuses them.
 */
describe('replicas: revoking a Paradex subkey', () => {
  const servers = useReplicas(() => tempDatabaseUrl('sigil-subkey-replicas-'))
  const clients: WsClient[] = []
  // Registered after the replicas' hook, so run before it: the sockets close before their servers.
  afterEach(() => {
    for (const client of clients.splice(0)) client.close()
  })

  it('behavior: revoked on A, its JWT is refused on B, its socket on B closes, and a restarted replica refuses it', async () => {
    const shared = servers.flags()
    const [a, b] = await servers.pair(shared)
    const now = () => Math.floor(a.clock.now() / 1000)
    const main = paradexSigner(MAIN_KEY)
    const sub = paradexSubkeySigner(SUB_KEY, main.account)
    expect((await onboard(a.app, main)).statusCode).toBe(200)
    const owner = (await paradexAuth(a.app, main.account, main.auth(now(), now() + 180))).json().jwt_token
    const registered = await a.app.inject({
      method: 'POST',
      url: `${PARADEX}/v1/account/keys/subkeys`,
      headers: bearer(owner),
      payload: { name: 'bot', public_key: sub.publicKey },
    })
    expect(registered.statusCode).toBe(201)
    const signed = await paradexAuth(
      b.app,
      main.account,
      sub.auth(now(), now() + 180),
      {},
      `/v1/auth/${sub.publicKey}`,
    )
    const held = signed.json().jwt_token as string
    const trade = (server: TestServer) =>
      server.app.inject({ method: 'GET', url: '/v1/verify/trade', headers: bearer(held) })
    expect((await trade(b)).statusCode).toBe(200)

    await b.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = b.app.server.address() as AddressInfo
    const socket = await connect(`ws://127.0.0.1:${port}/paradex/v1`)
    clients.push(socket)
    expect((await auth(socket, held)).result).toBeDefined()

    const revoked = await a.app.inject({
      method: 'DELETE',
      url: `${PARADEX}/v1/account/keys/subkeys/${sub.publicKey}`,
      headers: bearer(owner),
    })
    expect(revoked.statusCode).toBe(200)
    await eventually(1000, async () => (await trade(b)).statusCode === 401)
    expect((await trade(b)).json().code).toBe('SESSION_REVOKED')
    expect((await socket.closed).code).toBe(4001)

    // Started after the revocation (a restart), without Redis: its bus is live from the start, so
    // only the revocations it loaded from the database at boot can refuse the token.
    const c = await servers.start({ databaseUrl: shared.databaseUrl }, { clock: a.clock })
    expect((await trade(c)).statusCode).toBe(401)
  })
})
