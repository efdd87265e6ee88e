import { describe, expect, it } from 'vitest'
import type { RefreshToken, Session, SessionStore } from '../src/core/ports.js'
import { createSessionService } from '../src/core/sessions/create-session-service.js'
import { createRevocationList } from '../src/core/sessions/revocation-list.js'
import { openSqliteStores } from '../src/store/sqlite/open-sqlite-stores.js'
import { createManualClock } from './support/manual-clock.js'

const options = {
  refreshTokenTtlMs: 3_600_000,
  sessionMaxAgeMs: 86_400_000,
  accessTokenLifetimeMs: 305_000,
  cookieMaxAgeMs: 604_800_000,
  cookieSliding: false,
}

async function setup(wrap: (store: SessionStore) => SessionStore = (s) => s) {
  const stores = await openSqliteStores('sqlite::memory:')
  const clock = createManualClock()
  const account = await stores.accounts.findOrCreateByAddress(
    '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf',
    clock.now(),
    'active',
  )
  const sessions = createSessionService(wrap(stores.sessions), createRevocationList(), clock, options)
  return { stores, clock, account, sessions }
}

/** The atomic step of rotation, attacked at the store and through the service with a slow store. */
describe('refresh-token rotation under races', () => {
  const token = (session: Session, id: string, now: number): RefreshToken => ({
    id,
    sessionId: session.id,
    secretHash: new Uint8Array(32),
    createdAt: now,
    expiresAt: now + 1000,
  })

  it('behavior: the store rotates a token once; a second rotation of it is `already_used`', async () => {
    const { stores, clock, account, sessions } = await setup()
    const started = await sessions.start({ accountId: account.id, ip: '127.0.0.1' })
    const first = (await stores.sessions.findRefreshToken(started.refreshToken.split('.')[0]!))!.token
    const now = clock.now()
    expect(
      await stores.sessions.rotateRefreshToken(first.id, token(started.session, 'next-a', now), now),
    ).toBe('rotated')
    expect(
      await stores.sessions.rotateRefreshToken(first.id, token(started.session, 'next-b', now), now),
    ).toBe('already_used')
    expect(await stores.sessions.findRefreshToken('next-b')).toBeUndefined()
  })

  it('behavior: the store refuses to rotate inside a session revoked or expired in the meantime', async () => {
    const { stores, clock, account, sessions } = await setup()
    for (const end of ['revoked', 'expired'] as const) {
      const started = await sessions.start({ accountId: account.id })
      const first = (await stores.sessions.findRefreshToken(started.refreshToken.split('.')[0]!))!.token
      let now = clock.now()
      if (end === 'revoked') await stores.sessions.revoke(started.session.id, now)
      else now = started.session.expiresAt
      const next = token(started.session, `next-${end}`, now)
      expect(await stores.sessions.rotateRefreshToken(first.id, next, now)).toBe('session_inactive')
      expect(await stores.sessions.findRefreshToken(next.id)).toBeUndefined()
    }
  })

  it('behavior: two presentations racing past the read both see "unused"; only one wins, the family dies', async () => {
    // Both requests read the token before either rotates it: the check-then-act window the
    // conditional UPDATE exists for.
    let gate: () => void = () => {}
    const bothRead = new Promise<void>((resolve) => {
      let reads = 0
      gate = () => {
        reads += 1
        if (reads === 2) resolve()
      }
    })
    const { sessions, account, stores } = await setup((store) => ({
      ...store,
      async findRefreshToken(id) {
        const found = await store.findRefreshToken(id)
        gate()
        await bothRead
        return found
      },
    }))
    const started = await sessions.start({ accountId: account.id })
    const results = await Promise.allSettled([
      sessions.refresh(started.refreshToken),
      sessions.refresh(started.refreshToken),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const loser = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!
    expect(loser.reason).toMatchObject({ code: 'REFRESH_TOKEN_REUSED' })
    expect((await stores.sessions.find(started.session.id))!.revokedAt).toBeDefined()
    expect(sessions.isRevoked(started.session.id)).toBe(true)
  })
})

describe('session housekeeping', () => {
  it('behavior: ended sessions and expired refresh tokens are deleted once their access tokens are dead', async () => {
    const { stores, clock, account, sessions } = await setup()
    const revoked = await sessions.start({ accountId: account.id })
    const live = await sessions.start({ accountId: account.id })
    await sessions.revoke(revoked.session.id)
    expect(await stores.sessions.deleteEndedBefore(clock.now() - 305_000)).toBe(0)
    clock.advance(306_000)
    expect(await stores.sessions.deleteEndedBefore(clock.now() - 305_000)).toBe(1)
    expect(await stores.sessions.find(revoked.session.id)).toBeUndefined()
    expect(await stores.sessions.find(live.session.id)).toBeDefined()
    expect(await stores.sessions.findRefreshToken(revoked.refreshToken.split('.')[0]!)).toBeUndefined()
    clock.advance(86_400_000)
    expect(await stores.sessions.deleteEndedBefore(clock.now() - 305_000)).toBe(1)
  })
})
