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
}

export function createRevocationList(): RevocationList {
  const revoked = new Map<string, number>()
  return {
    add(sessionId, keepUntil) {
      revoked.set(sessionId, Math.max(keepUntil, revoked.get(sessionId) ?? 0))
    },
    has(sessionId, now) {
      const until = revoked.get(sessionId)
      return until !== undefined && until > now
    },
    prune(now) {
      for (const [id, until] of revoked) if (until <= now) revoked.delete(id)
    },
    get size() {
      return revoked.size
    },
  }
}
