/**
 * Session ids revoked recently enough that access tokens naming them may still be unexpired.
 * Checking it is a Map lookup, so the JWT path stays free of store reads; an entry can be dropped
 * once every token of that session has expired on its own.
 */
export interface RevocationList {
  add(sessionId: string, keepUntil: number): void
  has(sessionId: string, now: number): boolean
  prune(now: number): void
  readonly size: number
  /**
   * The view is bounded: past `maxEntries` (a mass logout) new entries are not kept, and this
   * stays true until every entry it could not keep has expired, so that callers check the store
   * instead of trusting an incomplete view.
   */
  readonly overflowed: boolean
}

export function createRevocationList(maxEntries = 1_000_000): RevocationList {
  const revoked = new Map<string, number>()
  // The latest time an entry that was not kept still mattered (0: nothing was dropped).
  let droppedUntil = 0
  return {
    add(sessionId, keepUntil) {
      if (revoked.size >= maxEntries && !revoked.has(sessionId)) {
        droppedUntil = Math.max(droppedUntil, keepUntil)
        return
      }
      revoked.set(sessionId, Math.max(keepUntil, revoked.get(sessionId) ?? 0))
    },
    has(sessionId, now) {
      const until = revoked.get(sessionId)
      return until !== undefined && until > now
    },
    prune(now) {
      for (const [id, until] of revoked) if (until <= now) revoked.delete(id)
      if (droppedUntil <= now) droppedUntil = 0
    },
    get overflowed() {
      return droppedUntil > 0
    },
    get size() {
      return revoked.size
    },
  }
}
