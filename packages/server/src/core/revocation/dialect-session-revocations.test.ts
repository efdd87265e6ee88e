import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../../test/support/manual-clock.js'
import type { DialectSessionRevocations } from '../dialect.js'
import { createRevocationList } from '../sessions/revocation-list.js'
import { createDialectSessionRevocations } from './dialect-session-revocations.js'
import type { Revocation, RevocationBus } from './revocation-bus.js'

const LIFETIME = 300_000

function setup(live: boolean) {
  const clock = createManualClock()
  const revokedInStore = new Map<string, number>()
  const source: DialectSessionRevocations = {
    prefix: 'venue-key:',
    isRevoked: async (id) => revokedInStore.has(id),
    revokedSince: async (since) =>
      [...revokedInStore]
        .filter(([, at]) => at >= since)
        .map(([sessionId, revokedAt]) => ({ sessionId, revokedAt })),
  }
  const published: Revocation[] = []
  const bus: RevocationBus = {
    publish: async (r) => void published.push(r),
    listen: () => {},
    live,
    shared: true,
    close: async () => {},
  }
  const revocations = createRevocationList()
  const sessions = createDialectSessionRevocations({
    sources: [source],
    revocations,
    bus,
    clock,
    accessTokenLifetimeMs: LIFETIME,
  })
  return { clock, revokedInStore, published, sessions }
}

describe('dialect session revocations', () => {
  it('behavior: only ids with a source prefix are owned; end() lists the id here and publishes it', async () => {
    const { sessions, published, clock } = setup(true)
    expect(sessions.owns('venue-key:1')).toBe(true)
    expect(sessions.owns('paradex:1')).toBe(false)
    await sessions.end(['venue-key:1'], clock.now())
    expect(sessions.isRevoked('venue-key:1')).toBe(true)
    expect(published).toEqual([{ kind: 'sessions', sessionIds: ['venue-key:1'], at: clock.now() }])
    // Until every token it may have signed has expired, then forgotten.
    clock.set(clock.now() + LIFETIME)
    expect(sessions.isRevoked('venue-key:1')).toBe(false)
  })

  it('behavior: while the bus may be missing messages, the store answers what the list does not know', async () => {
    const { sessions, revokedInStore, clock } = setup(false)
    revokedInStore.set('venue-key:2', clock.now())
    expect(await sessions.isRevoked('venue-key:2')).toBe(true)
    expect(await sessions.isRevoked('venue-key:3')).toBe(false)
  })

  it('behavior: restore() loads the revocations young enough to matter (a restart)', async () => {
    const { sessions, revokedInStore, clock } = setup(true)
    revokedInStore.set('venue-key:old', clock.now() - LIFETIME - 1)
    revokedInStore.set('venue-key:new', clock.now() - 1000)
    await sessions.restore()
    expect(sessions.isRevoked('venue-key:new')).toBe(true)
    expect(sessions.isRevoked('venue-key:old')).toBe(false)
  })
})
