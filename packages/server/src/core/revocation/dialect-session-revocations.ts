import type { Clock } from '../clock.js'
import type { DialectSessionRevocations } from '../dialect.js'
import type { RevocationList } from '../sessions/revocation-list.js'
import type { RevocationBus } from './revocation-bus.js'

/**
 * Token sessions that dialects keep themselves (a Paradex subkey's tokens share one `sid`), held
 * to the same rules as stored sessions: ending one lists it here and on every replica through the
 * bus; the check is the list while the bus is live, the dialect's store when it may have missed a
 * message; a restart reloads recent revocations.
 */
export function createDialectSessionRevocations(deps: {
  sources: readonly DialectSessionRevocations[]
  revocations: RevocationList
  bus: RevocationBus
  clock: Clock
  /** How long an access token may outlive its issue (its TTL plus the clock tolerance). */
  accessTokenLifetimeMs: number
}) {
  const { sources, revocations, bus, clock, accessTokenLifetimeMs } = deps
  const sourceOf = (sessionId: string) => sources.find((s) => sessionId.startsWith(s.prefix))
  const mark = (sessionId: string, at: number) => revocations.add(sessionId, at + accessTokenLifetimeMs)
  return {
    owns: (sessionId: string) => sourceOf(sessionId) !== undefined,

    /** As SessionService.isRevoked: a Map lookup on the hot path, the store only when needed. */
    isRevoked(sessionId: string): boolean | Promise<boolean> {
      if (revocations.has(sessionId, clock.now())) return true
      if (bus.live && !revocations.overflowed) return false
      const source = sourceOf(sessionId)
      return source ? source.isRevoked(sessionId) : false
    },

    async restore() {
      const since = clock.now() - accessTokenLifetimeMs
      for (const source of sources) {
        for (const { sessionId, revokedAt } of await source.revokedSince(since)) mark(sessionId, revokedAt)
      }
    },

    /** Here first (the bus may be slow to deliver to this very process), then on every replica. */
    async end(sessionIds: readonly string[], at: number) {
      for (const id of sessionIds) mark(id, at)
      await bus.publish({ kind: 'sessions', sessionIds, at })
    },
  }
}
