import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type AgentKeyPair,
  agentKeyPair,
  agentPeerKey,
  authorizeAgent,
  postRevocation,
  revocation,
  signWithViem,
} from './support/agent-keys.js'
import { revokeKey, signedIn } from './support/api-keys.js'
import { expectProblem } from './support/problem.js'
import { type PeerKey, signedRequest } from './support/signed-requests.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { getNonce, newWallet } from './support/wallet.js'

const DAY = 86_400_000

/**
 * An agent key end to end: the wallet authorizes it (viem signTypedData), the bot signs requests
 * with it (RFC 9421, the independent http-message-signatures library) and reaches protected
 * routes with the key's scope, never key management; revoked by the wallet's signature or by a
 * session, it is refused at once; past its expiresAt, refused too.
 */
describe('agent keys sign requests (RFC 9421)', () => {
  let server: TestServer
  const wallet = newWallet()
  let agent: AgentKeyPair
  let key: PeerKey

  beforeEach(async () => {
    server = await startTestServer({ agentKeyMaxDays: 30 })
    agent = await agentKeyPair()
    const response = await authorizeAgent(server, wallet, agent)
    expect(response.statusCode).toBe(201)
    key = agentPeerKey(response.json().id, agent)
  })
  afterEach(() => server.close())

  it('default: a signed request reaches /v1/auth/me as the wallet’s account, with read and trade only', async () => {
    const response = await signedRequest(server, key, { target: '/v1/auth/me' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      account: { address: wallet.address },
      apiKeyId: key.id,
      scopes: ['read', 'trade'],
    })
    expect((await signedRequest(server, key, { target: '/v1/verify/trade' })).statusCode).toBe(200)
  })

  it('negative: the agent key cannot manage keys (no account scope): 403 SCOPE_MISSING', async () => {
    expectProblem(await signedRequest(server, key, { target: '/v1/api-keys' }), 403, 'SCOPE_MISSING')
  })

  it('negative: revoked by the wallet’s EIP-712 signature, its next request is refused at once', async () => {
    const typed = revocation(server, wallet, key.id, await getNonce(server.app))
    expect((await postRevocation(server, typed, await signWithViem(wallet, typed))).statusCode).toBe(204)
    expectProblem(await signedRequest(server, key), 401, 'API_KEY_REVOKED')
  })

  it('negative: revoked by a session of the account (DELETE /v1/api-keys/:id), refused at once; audited', async () => {
    const session = await signedIn(server, wallet)
    expect((await signedRequest(server, key)).statusCode).toBe(200)
    expect((await revokeKey(server, session, key.id)).statusCode).toBe(204)
    expectProblem(await signedRequest(server, key), 401, 'API_KEY_REVOKED')
    const events = await server.stores.audit.query({ accountId: session.accountId, limit: 20 })
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['agent_key.authorized', 'sign_in.succeeded', 'api_key.revoked']),
    )
  })

  it('negative: past the signed expiresAt the key is refused: 401 API_KEY_EXPIRED', async () => {
    server.clock.advance(7 * DAY)
    expectProblem(await signedRequest(server, key), 401, 'API_KEY_EXPIRED')
  })
})
