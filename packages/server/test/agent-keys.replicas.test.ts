import { describe, expect, it } from 'vitest'
import {
  agentKeyPair,
  agentPeerKey,
  authorization,
  postAuthorization,
  postRevocation,
  revocation,
  signWithViem,
} from './support/agent-keys.js'
import { eventually } from './support/eventually.js'
import { usePostgresDatabase } from './support/postgres.js'
import { expectProblem } from './support/problem.js'
import { useReplicas } from './support/replicas.js'
import { signedRequest } from './support/signed-requests.js'
import { getNonce, newWallet } from './support/wallet.js'

/**
 * Agent keys on two replicas over one PostgreSQL and one Redis: a nonce one replica issued is
 * spent once whichever replica takes it, and a wallet's revocation on one replica reaches the
 * other through the revocation bus, although the other had the key cached.
 */
describe('agent keys on replicas sharing PostgreSQL and Redis', () => {
  const replicas = useReplicas(usePostgresDatabase())

  it('attack: an authorization replayed on the other replica is NONCE_USED; a wallet revocation on A stops the key on B', async () => {
    const [a, b] = await replicas.pair()

    const wallet = newWallet()
    const agent = await agentKeyPair()
    // Issued by B, spent on A, replayed on B.
    const typed = authorization(a, wallet, agent, await getNonce(b.app))
    const signature = await signWithViem(wallet, typed)
    const created = await postAuthorization(a, typed, agent.publicJwk, signature)
    expect(created.statusCode).toBe(201)
    expectProblem(await postAuthorization(b, typed, agent.publicJwk, signature), 401, 'NONCE_USED')

    const key = agentPeerKey(created.json().id, agent)
    expect((await signedRequest(b, key)).statusCode).toBe(200)
    const revoke = revocation(a, wallet, key.id, await getNonce(b.app))
    expect((await postRevocation(a, revoke, await signWithViem(wallet, revoke))).statusCode).toBe(204)
    expectProblem(await signedRequest(a, key), 401, 'API_KEY_REVOKED')
    await eventually(1000, async () => (await signedRequest(b, key)).statusCode === 401)
    expectProblem(await signedRequest(b, key), 401, 'API_KEY_REVOKED')
  })
})
