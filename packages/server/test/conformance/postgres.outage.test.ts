import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AuthError } from '../../src/core/errors.js'
import { createSessionService } from '../../src/core/sessions/create-session-service.js'
import { createRevocationList } from '../../src/core/sessions/revocation-list.js'
import { openPostgresStores } from '../../src/store/postgres/open-postgres-stores.js'
import { createManualClock } from '../support/manual-clock.js'
import { type PrivateCluster, privateClusterUnavailable, startPrivateCluster } from '../support/postgres.js'
import { startTestServer } from '../support/test-server.js'
import { newWallet, signIn } from '../support/wallet.js'

const unavailable = privateClusterUnavailable()

/**
 * PostgreSQL stopped and started under a running Sigil, on a cluster of this file's own: what
 * needs the database fails with SERVICE_UNAVAILABLE (503 over HTTP; never a 401, a 500 or a
 * crash), the same pool serves again once it is back, and what was acknowledged before is there.
 */
describe.skipIf(unavailable)(`PostgreSQL outage${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let cluster: PrivateCluster
  beforeAll(async () => {
    cluster = await startPrivateCluster()
  }, 60_000)
  afterAll(async () => {
    await cluster?.destroy()
  }, 30_000)
  // A test that failed while the server was down leaves it down: the next one starts it again.
  beforeEach(async () => {
    if (!cluster.running) await cluster.start()
  }, 30_000)

  const expectUnavailable = async (call: Promise<unknown>) => {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' })
  }

  it('behavior: stores reject with SERVICE_UNAVAILABLE while it is down, serve again without reopening, lose nothing', async () => {
    const stores = await openPostgresStores(cluster.url, { poolMax: 4, migrate: true })
    try {
      const clock = createManualClock()
      const sessions = createSessionService(stores.sessions, createRevocationList(), clock, {
        refreshTokenTtlMs: 3_600_000,
        sessionMaxAgeMs: 86_400_000,
        accessTokenLifetimeMs: 305_000,
        cookieMaxAgeMs: 604_800_000,
        cookieSliding: false,
      })
      // Sign-in-like writes, acknowledged before the outage.
      const account = await stores.accounts.findOrCreateByAddress(
        '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf',
        clock.now(),
        'active',
      )
      const started = await sessions.start({ accountId: account.id, ip: '203.0.113.9' })
      // Several pool connections are open (and idle) when the server goes away.
      await Promise.all([1, 2, 3].map(() => stores.accounts.findById(account.id)))

      await cluster.stop()
      await expectUnavailable(stores.accounts.findById(account.id))
      await expectUnavailable(
        stores.accounts.findOrCreateByAddress(`0x${'1'.repeat(40)}`, clock.now(), 'active'),
      )
      await expectUnavailable(sessions.refresh(started.refreshToken))
      await expectUnavailable(sessions.start({ accountId: account.id }))

      await cluster.start()
      expect(await stores.accounts.findById(account.id)).toEqual(account)
      const results = await Promise.allSettled([
        sessions.refresh(started.refreshToken),
        sessions.refresh(started.refreshToken),
      ])
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({
        reason: { code: 'REFRESH_TOKEN_REUSED' },
      })
    } finally {
      await stores.close()
    }
  }, 60_000)

  it('behavior: over HTTP an outage is 503 SERVICE_UNAVAILABLE (not 401, not 500), and then it serves again', async () => {
    // The schema is in place from the test before, or migrate it here when this test runs alone.
    await (await openPostgresStores(cluster.url, { poolMax: 1, migrate: true })).close()
    const server = await startTestServer({ databaseUrl: cluster.url, databasePoolMax: 3 })
    try {
      const signedIn = await signIn(server.app, newWallet(), server.clock.now())
      expect(signedIn.statusCode).toBe(200)
      const { refreshToken } = signedIn.json()
      const refresh = (token: string) =>
        server.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: token } })

      await cluster.stop()
      for (const response of [
        await refresh(refreshToken),
        await server.app.inject({ method: 'POST', url: '/v1/auth/nonce', payload: {} }),
      ]) {
        expect(response.statusCode).toBe(503)
        expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' })
      }

      await cluster.start()
      const rotated = await refresh(refreshToken)
      expect(rotated.statusCode).toBe(200)
      expect((await refresh(rotated.json().refreshToken)).statusCode).toBe(200)
      expect((await signIn(server.app, newWallet(), server.clock.now())).statusCode).toBe(200)
    } finally {
      await server.close()
    }
  }, 60_000)
})
