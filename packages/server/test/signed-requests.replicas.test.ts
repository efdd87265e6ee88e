import { describe, expect, it } from 'vitest'
import { revokeKey, signedIn } from './support/api-keys.js'
import { eventually } from './support/eventually.js'
import { usePostgresDatabase } from './support/postgres.js'
import { expectProblem } from './support/problem.js'
import { useReplicas } from './support/replicas.js'
import { registerSignedKey, sendSigned, signedRequest, signHeaders } from './support/signed-requests.js'

/**
 * Signed requests on two replicas over one PostgreSQL and one Redis: a signature accepted by one
 * replica is a replay on the other (the replay cache is in Redis), and a key revoked on one is
 * refused by the other as soon as the revocation bus says so, its cached lookup included.
 */
describe('signed requests on replicas sharing PostgreSQL and Redis', () => {
  const replicas = useReplicas(usePostgresDatabase()).pair

  it('attack: a signature accepted by replica A is refused as a replay by replica B', async () => {
    const [a, b] = await replicas()
    const owner = await signedIn(a)
    const key = await registerSignedKey(a, owner)
    const headers = await signHeaders(a, key)
    expect((await sendSigned(a, headers)).statusCode).toBe(200)
    expectProblem(await sendSigned(b, headers), 401, 'HTTP_SIGNATURE_REPLAYED')
    // The same request signed anew (another nonce: the clock has not moved) is another signature.
    const again = await signedRequest(b, key, {
      params: ['keyid', 'created', 'nonce'],
      paramValues: { nonce: 'n-2' },
    })
    expect(again.statusCode).toBe(200)
  })

  it('attack: a key revoked on A is refused on B once the bus message lands, although B had it cached', async () => {
    const [a, b] = await replicas()
    const owner = await signedIn(a)
    const key = await registerSignedKey(a, owner)
    expect((await signedRequest(b, key)).statusCode).toBe(200)
    expect((await revokeKey(a, owner, key.id)).statusCode).toBe(204)
    expectProblem(await signedRequest(a, key), 401, 'API_KEY_REVOKED')
    await eventually(1000, async () => (await signedRequest(b, key)).statusCode === 401)
    expectProblem(await signedRequest(b, key), 401, 'API_KEY_REVOKED')
  })
})
