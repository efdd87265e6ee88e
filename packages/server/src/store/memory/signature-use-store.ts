import type { SignatureUseStore } from '../../core/ports.js'

const SWEEP_INTERVAL_MS = 10_000

/**
 * Signature claims in this process's memory: the single-process replay cache of RFC 9421 signed
 * requests (a SQLite write per request would cost more than the request itself). JavaScript runs
 * one `claim` at a time, so each is atomic. Replicas share claims through the Redis store instead.
 * Expired claims are swept now and then, so memory follows the signatures of the last window.
 */
export function createMemorySignatureUseStore(): SignatureUseStore & { size(): number } {
  const claims = new Map<string, number>()
  let sweptAt = 0

  const sweep = (now: number) => {
    let removed = 0
    for (const [key, expiresAt] of claims)
      if (expiresAt <= now) {
        claims.delete(key)
        removed += 1
      }
    return removed
  }

  return {
    size: () => claims.size,

    async claim(key, expiresAt, now) {
      if (now - sweptAt >= SWEEP_INTERVAL_MS) {
        sweptAt = now
        sweep(now)
      }
      const held = claims.get(key)
      if (held !== undefined && held > now) return false
      if (expiresAt > now) claims.set(key, expiresAt)
      else claims.delete(key)
      return true
    },

    async deleteExpired(now) {
      return sweep(now)
    },
  }
}
