import type { Redis } from 'ioredis'
import type { SignatureUseStore } from '../../core/ports.js'
import { failClosed } from './redis-errors.js'

/**
 * The replay cache of RFC 9421 signed requests, shared by every replica: one `SET key 1 PX ttl
 * NX` per accepted signature (one round trip, no script: this runs on every signed request), the
 * TTL being what is left of the signature's window on the caller's clock, so Redis forgets it by
 * itself. `NX` makes the claim atomic: of concurrent claims on any number of replicas, one wins.
 * Fails closed: Redis unavailable -> AuthError SERVICE_UNAVAILABLE (a signature is never accepted
 * without its replay check). Keys: `${keyPrefix}req-sig:${key}`.
 */
export function createRedisRequestSignatureUseStore(
  client: Redis,
  { keyPrefix }: { keyPrefix: string },
): SignatureUseStore {
  return {
    async claim(key, expiresAt, now) {
      const ttlMs = Math.ceil(expiresAt - now)
      // Already over: nothing to remember (a replay would be refused as too old anyway).
      if (ttlMs <= 0) return true
      const set = await failClosed(() => client.set(`${keyPrefix}req-sig:${key}`, '1', 'PX', ttlMs, 'NX'))
      return set === 'OK'
    },

    /** Nothing to do: every claim carries its TTL. */
    async deleteExpired() {
      return 0
    },
  }
}
