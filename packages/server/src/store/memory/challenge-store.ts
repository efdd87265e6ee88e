import type { Challenge, ChallengeStore } from '../../core/ports.js'

/**
 * Most nonces held at once. A nonce entry is a few hundred bytes, so this bounds the store near
 * 100 MB whatever a flood of nonce requests does (the sign-in rate limit is the first defence).
 * Past it the oldest nonce is forgotten: its sign-in answers NONCE_UNKNOWN and the wallet asks for
 * another, the same outcome as a restart.
 */
export const MAX_MEMORY_NONCES = 500_000

interface Entry {
  challenge: Challenge
  used: boolean
}

/**
 * Sign-in nonces in this process's memory: the single-process default (SQLite deployments), where
 * a nonce never has to be seen by another process. Nonces are ephemeral: one lost on a restart only
 * makes the wallet ask for a new one, and nothing a nonce guards (single use, expiry, binding to an
 * address and an API) is weaker: JavaScript runs one `consume` at a time, so of N concurrent
 * consumers exactly one sees `consumed`. Replicas keep nonces in Redis instead. A spent nonce is
 * remembered (answering `used`) until `deleteExpired` forgets it, as the SQL and Redis stores do.
 */
export function createMemoryChallengeStore(
  maxEntries = MAX_MEMORY_NONCES,
): ChallengeStore & { size(): number } {
  // Insertion order is creation order: the oldest entry is the first key.
  const entries = new Map<string, Entry>()

  return {
    size: () => entries.size,

    async insert(challenge) {
      // Nonces are 128 random bits: a duplicate is a bug, as a unique-key error is in SQL.
      if (entries.has(challenge.nonce)) throw new Error('challenge nonce already exists')
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string)
      entries.set(challenge.nonce, { challenge: { ...challenge }, used: false })
    },

    async consume(nonce, { purpose, address, now }) {
      // The Redis script's and the SQL store's precedence: unknown, used, expired, address mismatch.
      const entry = entries.get(nonce)
      if (!entry || entry.challenge.purpose !== purpose) return { status: 'unknown' }
      if (entry.used) return { status: 'used' }
      if (entry.challenge.expiresAt <= now) return { status: 'expired' }
      if (entry.challenge.address !== undefined && entry.challenge.address !== address)
        return { status: 'address_mismatch' }
      entry.used = true
      return { status: 'consumed', challenge: { ...entry.challenge } }
    },

    async deleteExpired(now) {
      let deleted = 0
      for (const [nonce, entry] of entries) {
        if (entry.challenge.expiresAt <= now) {
          entries.delete(nonce)
          deleted++
        }
      }
      return deleted
    },
  }
}
