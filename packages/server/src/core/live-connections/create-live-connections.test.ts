import { describe, expect, it } from 'vitest'
import { eventually } from '../../../test/support/eventually.js'
import { createManualClock } from '../../../test/support/manual-clock.js'
import { AuthError } from '../errors.js'
import type { Identity } from '../identity.js'
import { type ConnectionEnd, createLiveConnections, type LiveConnection } from './create-live-connections.js'

const jwt = (sessionId: string): Identity => ({ accountId: 'a', scopes: ['read'], via: 'jwt', sessionId })
const key = (apiKeyId: string): Identity => ({ accountId: 'a', scopes: ['read'], via: 'api_key', apiKeyId })

function connection(identity: Identity, more: Partial<LiveConnection> = {}) {
  const ended: ConnectionEnd[] = []
  return { ended, connection: { identity, ...more, end: (end: ConnectionEnd) => ended.push(end) } }
}

describe('live connections', () => {
  it('behavior: a session’s end reaches only its connections, once; a released one is not told', () => {
    const live = createLiveConnections(createManualClock())
    const [one, two, other] = [connection(jwt('s1')), connection(jwt('s1')), connection(jwt('s2'))]
    live.track(one.connection)
    const release = live.track(two.connection)
    live.track(other.connection)
    release()
    live.sessionsEnded(['s1'])
    live.sessionsEnded(['s1'])
    expect(one.ended).toEqual([{ reason: 'session_revoked', code: 'SESSION_REVOKED' }])
    expect(two.ended).toEqual([])
    expect(other.ended).toEqual([])
    expect(live.size).toBe(1)
  })

  it('behavior: a revoked key ends its connections; a rotated one is re-checked (kept, or ended with the refusal)', async () => {
    const live = createLiveConnections(createManualClock())
    const kept = connection(key('k1'), { recheck: async () => ({}) })
    const refused = connection(key('k1'), {
      recheck: async () => {
        throw new AuthError('API_KEY_INVALID')
      },
    })
    const outage = connection(key('k1'), {
      recheck: async () => {
        throw new Error('database down')
      },
    })
    for (const c of [kept, refused, outage]) live.track(c.connection)
    await live.apiKeysChanged(['k1'], 'rotated')
    expect(refused.ended).toEqual([{ reason: 'api_key_revoked', code: 'API_KEY_INVALID' }])
    // A store outage refuses nothing: the connection stays until a resync can tell.
    expect([kept.ended, outage.ended]).toEqual([[], []])
    await live.apiKeysChanged(['k1'], 'revoked')
    expect(kept.ended).toEqual([{ reason: 'api_key_revoked', code: 'API_KEY_REVOKED' }])
    expect(live.size).toBe(0)
  })

  it('behavior: a connection ends when its credential expires; an expiry already past ends it at once', async () => {
    const clock = createManualClock()
    const live = createLiveConnections(clock)
    const soon = connection(key('k1'), { expiresAt: clock.now() + 20 })
    const past = connection(jwt('s1'), { expiresAt: clock.now() - 1 })
    live.track(soon.connection)
    live.track(past.connection)
    await eventually(1000, async () => soon.ended.length === 1 && past.ended.length === 1)
    expect(soon.ended).toEqual([{ reason: 'credential_expired', code: 'API_KEY_EXPIRED' }])
    expect(past.ended).toEqual([{ reason: 'credential_expired', code: 'TOKEN_EXPIRED' }])
  })

  it('edge: an expiry beyond setTimeout’s 24.8-day range does not fire at once', async () => {
    const clock = createManualClock()
    const live = createLiveConnections(clock)
    const far = connection(key('k1'), { expiresAt: clock.now() + 365 * 86_400_000 })
    const release = live.track(far.connection)
    const witness = connection(key('k2'), { expiresAt: clock.now() + 10 })
    live.track(witness.connection)
    await eventually(1000, async () => witness.ended.length === 1)
    expect(far.ended).toEqual([])
    release()
  })

  it('behavior: resync ends the sessions the rebuilt list names and re-checks every key', async () => {
    const live = createLiveConnections(createManualClock())
    const revoked = connection(jwt('s1'))
    const fine = connection(jwt('s2'))
    const gone = connection(key('k1'), {
      recheck: async () => {
        throw new AuthError('API_KEY_REVOKED')
      },
    })
    for (const c of [revoked, fine, gone]) live.track(c.connection)
    await live.resync((sessionId) => sessionId === 's1')
    expect(revoked.ended).toHaveLength(1)
    expect(fine.ended).toHaveLength(0)
    expect(gone.ended).toEqual([{ reason: 'api_key_revoked', code: 'API_KEY_REVOKED' }])
  })
})
