import type { IpAllowlist } from '../network/ip-allowlist.js'
import type { ApiKey } from '../ports.js'

/**
 * What the store said about a key id, kept so that the next request with that id reads no store:
 * the record (hashes, scope, expiry, grace, revocation) and its IP allowlist, compiled once. An id
 * the store does not know is remembered too, as `key: undefined`, so that an unknown id costs what a
 * known one costs (test/api-keys.timing.test.ts) and a flood of one made-up id does not reach the
 * store. Only the lookup is cached: the secret is still hashed and compared on every request, and
 * expiry and grace are judged against the clock each time.
 */
export interface CachedKeyLookup {
  key: ApiKey | undefined
  allowlist: IpAllowlist
  fetchedAt: number
}

export interface VerifiedKeyCacheOptions {
  /** Entries kept; the least recently used goes first. Eviction only costs a store read. */
  maxEntries: number
  /**
   * An entry older than this is read again: the backstop for a bus message lost while the
   * subscriber still looked connected (as the periodic session resync is for access tokens).
   */
  maxAgeMs: number
}

export interface VerifiedKeyCache {
  find(id: string, now: number): CachedKeyLookup | undefined
  /**
   * Stores what a store read started at `generation` returned, unless an invalidation came in
   * meanwhile (then the read may predate a revocation, and is used for this request only).
   */
  remember(id: string, lookup: Omit<CachedKeyLookup, 'fetchedAt'>, now: number, generation: number): void
  /** Bumped by every invalidation; a read takes it before asking the store. */
  readonly generation: number
  forget(ids: readonly string[]): void
  clear(): void
}

/**
 * A Map kept in least-recently-used order (a hit moves its entry to the end). Hand-written rather
 * than a library's LRU: insertion-ordered Map is the whole mechanism, and the generation check,
 * which no cache library offers, is what makes it safe against a revocation racing a read.
 */
export function createVerifiedKeyCache(options: VerifiedKeyCacheOptions): VerifiedKeyCache {
  const entries = new Map<string, CachedKeyLookup>()
  let generation = 0
  return {
    find(id, now) {
      const entry = entries.get(id)
      if (!entry) return undefined
      entries.delete(id)
      // A clock that went back counts as stale too: the entry's age is then unknown.
      if (now - entry.fetchedAt >= options.maxAgeMs || now < entry.fetchedAt) return undefined
      entries.set(id, entry)
      return entry
    },
    remember(id, lookup, now, readAt) {
      if (readAt !== generation) return
      entries.delete(id)
      if (entries.size >= options.maxEntries) {
        const oldest = entries.keys().next()
        if (!oldest.done) entries.delete(oldest.value)
      }
      entries.set(id, { ...lookup, fetchedAt: now })
    },
    get generation() {
      return generation
    },
    forget(ids) {
      generation += 1
      for (const id of ids) entries.delete(id)
    },
    clear() {
      generation += 1
      entries.clear()
    },
  }
}
