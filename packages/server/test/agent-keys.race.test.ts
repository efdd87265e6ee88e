import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { agentKeyPair, authorization, signWithViem } from './support/agent-keys.js'
import { usePostgresDatabase } from './support/postgres.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { getNonce, newWallet } from './support/wallet.js'

/**
 * One authorization sent 20 times at once over real sockets, on PostgreSQL (a pool of
 * connections, as replicas have): the nonce is consumed atomically, so exactly one key exists.
 */
describe('agent-key authorizations under concurrency (PostgreSQL)', () => {
  const databaseUrl = usePostgresDatabase()
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer({ databaseUrl: databaseUrl(), databasePoolMax: 8 })
  })
  afterEach(() => server.close())

  it('behavior: 20 concurrent posts of one authorization: one 201, nineteen NONCE_USED, one key', async () => {
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 })
    const wallet = newWallet()
    const agent = await agentKeyPair()
    const typed = authorization(server, wallet, agent, await getNonce(server.app))
    const body = JSON.stringify({
      authorization: typed,
      publicKey: agent.publicJwk,
      signature: await signWithViem(wallet, typed),
    })
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${address}/v1/agent-keys`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { code?: string; account?: { id: string } },
        })),
      ),
    )
    const created = responses.filter((r) => r.status === 201)
    expect(created).toHaveLength(1)
    expect(responses.filter((r) => r.status !== 201).map((r) => r.body.code)).toEqual(
      Array(19).fill('NONCE_USED'),
    )
    expect(await server.stores.apiKeys.listOfAccount(created[0]!.body.account!.id)).toHaveLength(1)
  })
})
