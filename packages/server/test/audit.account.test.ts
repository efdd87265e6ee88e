import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKey, type SignedIn, signedIn } from './support/api-keys.js'
import { cookieSession, SAME_ORIGIN, withCookie } from './support/cookie-session.js'
import { expectProblem } from './support/problem.js'
import { startTestServer, type TestServer } from './support/test-server.js'

interface ListedEvent {
  id: number
  at: string
  type: string
  ip?: string
  detail?: Record<string, unknown>
}

/** GET /v1/auth/audit: an account reads its own security log, newest first, and nobody else's. */
describe('GET /v1/auth/audit', () => {
  let server: TestServer
  let alice: SignedIn
  let bob: SignedIn
  beforeEach(async () => {
    server = await startTestServer()
    alice = await signedIn(server)
    server.clock.advance(1000)
    bob = await signedIn(server)
  })
  afterEach(() => server.close())

  const audit = (as: SignedIn, query = '') =>
    server.app.inject({ method: 'GET', url: `/v1/auth/audit${query}`, headers: as.headers })

  it("lists the account's own events, newest first, never another account's", async () => {
    server.clock.advance(1000)
    const key = await createKey(server, alice, { name: 'bot' })
    server.clock.advance(1000)
    await server.app.inject({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: alice.headers })
    await createKey(server, bob, { name: 'bob-bot' })

    const response = await audit(alice)
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const { events } = response.json() as { events: ListedEvent[] }
    expect(events.map((e) => e.type)).toEqual(['api_key.revoked', 'api_key.created', 'sign_in.succeeded'])
    expect(events[0]).toMatchObject({ detail: { key: key.id }, ip: '127.0.0.1' })
    expect(new Date(events[0]!.at).getTime()).toBeGreaterThan(new Date(events[2]!.at).getTime())
    // Bob's key is not in Alice's log, and no event carries a secret.
    expect(JSON.stringify(events)).not.toContain('bob-bot')
    expect(JSON.stringify(events)).not.toContain(key.secret)
  })

  it('keeps the most recent `limit` events', async () => {
    for (let i = 0; i < 3; i++) {
      server.clock.advance(1000)
      await createKey(server, alice, { name: `k${i}` })
    }
    const { events } = (await audit(alice, '?limit=2')).json() as { events: ListedEvent[] }
    expect(events).toHaveLength(2)
    expect(events.every((e) => e.type === 'api_key.created')).toBe(true)
  })

  it.each(['0', '201', '-1', '1e2', 'abc', ''])('refuses limit=%j with 400', async (limit) => {
    await expectProblem(await audit(alice, `?limit=${limit}`), 400, 'VALIDATION_FAILED')
  })

  it('a session cookie reads it too (the console); an API key or no credential does not', async () => {
    const cookie = await cookieSession(server.app, alice.wallet, server.clock.now(), { headers: SAME_ORIGIN })
    const byCookie = await withCookie(server.app, cookie.value, { method: 'GET', url: '/v1/auth/audit' })
    expect(byCookie.statusCode).toBe(200)
    expect((byCookie.json() as { events: ListedEvent[] }).events[0]?.type).toBe('sign_in.succeeded')

    const key = await createKey(server, alice, { scope: 'trade' })
    const byKey = await server.app.inject({
      method: 'GET',
      url: '/v1/auth/audit',
      headers: { 'x-api-key': key.secret },
    })
    await expectProblem(byKey, 403, 'SCOPE_MISSING')
    await expectProblem(
      await server.app.inject({ method: 'GET', url: '/v1/auth/audit' }),
      401,
      'CREDENTIAL_MISSING',
    )
  })
})
