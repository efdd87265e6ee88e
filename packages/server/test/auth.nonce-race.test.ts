import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDatabaseUrl } from './support/temp-dir.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { getNonce, newWallet, signedSiwe } from './support/wallet.js'

describe('single-use nonces under concurrency', () => {
  let server: TestServer
  beforeEach(async () => {
    // A file database (removed after the test): concurrent requests over real sockets race on it.
    server = await startTestServer({ databaseUrl: tempDatabaseUrl('sigil-race-') })
  })
  afterEach(() => server.close())

  it('behavior: 20 concurrent sign-ins with one nonce over real sockets: exactly one succeeds', async () => {
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 })
    const wallet = newWallet()
    const nonce = await getNonce(server.app)
    const { message, signature } = await signedSiwe(wallet, { nonce }, server.clock.now())
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${address}/v1/auth/siwe`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message, signature }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code?: string } })),
      ),
    )
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1)
    const refused = responses.filter((r) => r.status !== 200)
    expect(refused).toHaveLength(19)
    for (const r of refused) expect(r.body.code).toBe('NONCE_USED')
  })
})
