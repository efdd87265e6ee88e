import { timingSafeEqual } from 'node:crypto'
import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import type { Identity } from '../identity.js'
import { createIpAllowlist, normalizeIpRange } from '../network/ip-allowlist.js'
import type { Account, ApiKey, ApiKeyStore } from '../ports.js'
import { type ApiKeyScope, apiKeyScopes } from '../scopes.js'
import { hashSecret } from '../secret-token.js'
import { type ApiKeyBrand, createApiKeySecret, maskApiKey, parseApiKeySecret } from './api-key-secret.js'
import { createLastUseRecorder } from './last-use-recorder.js'
import { type CachedKeyLookup, createVerifiedKeyCache } from './verified-key-cache.js'

export type ApiKeyStatus = 'active' | 'expired' | 'revoked'

/** What lists show: metadata only, never the secret or its hash. */
export interface ApiKeyView {
  id: string
  name: string
  scope: ApiKeyScope
  allowedIps: string[]
  status: ApiKeyStatus
  masked: string
  createdAt: number
  expiresAt?: number
  revokedAt?: number
  lastUsedAt?: number
  lastUsedIp?: string
}

export interface NewApiKeyRequest {
  /** The prefix the secret is printed with (a venue dialect's, e.g. `ocx`); Sigil's by default. */
  brand?: ApiKeyBrand
  name: string
  scope: ApiKeyScope
  allowedIps?: readonly string[]
  expiresInDays?: number
}

export interface ApiKeyServiceOptions {
  /** Keys in force (status `active`) an account may hold; rotation keeps the count. */
  maxPerAccount: number
  /** Last-use writes happen at most this often per key, batched, off the request path. */
  recordUseEveryMs: number
  /**
   * The cache of key lookups (verified-key-cache.ts). Whoever revokes or rotates elsewhere must
   * call `forget` (the revocation bus does, on every replica); while `isLive()` is false (the
   * bus may be missing messages) every request reads the store. Default: 10,000 entries, 60 s.
   */
  cache?: { maxEntries?: number; maxAgeMs?: number; isLive?(): boolean }
}

const DAY_MS = 86_400_000

/** Compared against when there is no stored hash, so that a miss costs what a hit costs. */
const NO_HASH = new Uint8Array(32)
const hashesMatch = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(a, b)

export function createApiKeyService(store: ApiKeyStore, clock: Clock, options: ApiKeyServiceOptions) {
  const uses = createLastUseRecorder(store, options.recordUseEveryMs)
  const cache = createVerifiedKeyCache({
    maxEntries: options.cache?.maxEntries ?? 10_000,
    maxAgeMs: options.cache?.maxAgeMs ?? 60_000,
  })
  const isLive = options.cache?.isLive ?? (() => true)

  /** The stored record of `id` (or its absence): from the cache while the bus is live, else the store. */
  const lookUp = async (id: string): Promise<Pick<CachedKeyLookup, 'key' | 'allowlist'>> => {
    const live = isLive()
    if (live) {
      const hit = cache.find(id, clock.now())
      if (hit) return hit
    }
    const generation = cache.generation
    const key = await store.findById(id)
    const lookup = { key, allowlist: createIpAllowlist(key?.allowedIps ?? []) }
    // Not live: what was read may already be stale on arrival of the missed message; not kept.
    if (live) cache.remember(id, lookup, clock.now(), generation)
    return lookup
  }

  const statusOf = (key: ApiKey, now: number): ApiKeyStatus =>
    key.revokedAt !== undefined
      ? 'revoked'
      : key.expiresAt !== undefined && key.expiresAt <= now
        ? 'expired'
        : 'active'

  const view = (key: ApiKey, now: number): ApiKeyView => ({
    id: key.id,
    name: key.name,
    scope: key.scope,
    allowedIps: key.allowedIps,
    status: statusOf(key, now),
    masked: maskApiKey(key.id, key.secretTail),
    createdAt: key.createdAt,
    ...(key.expiresAt === undefined ? {} : { expiresAt: key.expiresAt }),
    ...(key.revokedAt === undefined ? {} : { revokedAt: key.revokedAt }),
    ...(key.lastUsedAt === undefined ? {} : { lastUsedAt: key.lastUsedAt }),
    ...(key.lastUsedIp === undefined ? {} : { lastUsedIp: key.lastUsedIp }),
  })

  const normalizeAllowlist = (ranges: readonly string[]) =>
    ranges.map((range, i) => {
      const normal = normalizeIpRange(range)
      if (!normal)
        throw new AuthError('VALIDATION_FAILED', 'bad allowedIps entry', {
          detail: `allowedIps/${i} is not an IP address or CIDR range`,
        })
      return normal
    })

  return {
    /** Mints a key for a signed-in account; the secret is returned here once and never again. */
    async create(account: Account, request: NewApiKeyRequest): Promise<{ key: ApiKeyView; secret: string }> {
      if (request.scope === 'trade' && account.status !== 'active')
        throw new AuthError('INVITE_REQUIRED', 'pending account asked for a trade key')
      const allowedIps = normalizeAllowlist(request.allowedIps ?? [])
      const now = clock.now()
      const secret = createApiKeySecret(undefined, request.brand)
      const key: ApiKey = {
        id: secret.id,
        accountId: account.id,
        name: request.name,
        scope: request.scope,
        secretHash: secret.secretHash,
        secretTail: secret.secretTail,
        allowedIps,
        createdAt: now,
        ...(request.expiresInDays === undefined ? {} : { expiresAt: now + request.expiresInDays * DAY_MS }),
      }
      // The store counts the account's `active` keys and inserts in one atomic step.
      if ((await store.insert(key, { maxActivePerAccount: options.maxPerAccount })) === 'limit_reached')
        throw new AuthError('API_KEY_LIMIT_REACHED')
      return { key: view(key, now), secret: secret.secret }
    },

    async list(accountId: string): Promise<ApiKeyView[]> {
      const now = clock.now()
      // Uses noted in this process and not written yet show at once (other replicas' show once written).
      return (await store.listOfAccount(accountId)).map((key) => {
        const noted = uses.pendingOf(key.id)
        const latest =
          noted && noted.at >= (key.lastUsedAt ?? -Infinity)
            ? { lastUsedAt: noted.at, lastUsedIp: noted.ip }
            : {}
        return view({ ...key, ...latest }, now)
      })
    },

    async revoke(accountId: string, id: string): Promise<void> {
      const revoked = await store.revoke(id, accountId, clock.now())
      // This replica at once (the bus tells the others, and this one again).
      cache.forget([id])
      if (!revoked) throw new AuthError('API_KEY_NOT_FOUND')
    },

    /** New secret for the same key id; the old one keeps working for `graceSeconds` (0: stops now). */
    async rotate(
      accountId: string,
      id: string,
      graceSeconds: number,
      brand?: ApiKeyBrand,
    ): Promise<{ key: ApiKeyView; secret: string }> {
      const now = clock.now()
      const secret = createApiKeySecret(id, brand)
      const next = {
        secretHash: secret.secretHash,
        secretTail: secret.secretTail,
        previousExpiresAt: now + graceSeconds * 1000,
      }
      const replaced = await store.replaceSecret(id, accountId, next, now)
      cache.forget([id])
      if (!replaced) throw new AuthError('API_KEY_NOT_FOUND')
      const key = await store.findById(id)
      return { key: view(key!, now), secret: secret.secret }
    },

    /**
     * Checks a presented key from a client IP; never says more than the codes below. `validUntil`:
     * when this secret stops working by itself (the key's expiry, or a rotated-out secret's grace).
     */
    async authenticate(
      presented: string,
      ip: string,
    ): Promise<Identity & { apiKeyId: string; validUntil?: number }> {
      // Shape and checksum first: a typo, a guess or a scanner's false match costs no store read.
      const parts = parseApiKeySecret(presented)
      if (!parts) throw new AuthError('API_KEY_INVALID', 'not an API key (shape or checksum)')
      const { key, allowlist } = await lookUp(parts.id)
      const now = clock.now()
      // The same work whatever the id finds (one hash, two constant-time comparisons), so that an
      // unknown id, a wrong secret and a revoked key take one time (test/api-keys.timing.test.ts).
      const presentedHash = hashSecret(parts.secretPart)
      const current = hashesMatch(presentedHash, key?.secretHash ?? NO_HASH) && key !== undefined
      const previousLive = key?.previousSecretHash !== undefined && (key.previousExpiresAt ?? 0) > now
      const previous = hashesMatch(presentedHash, key?.previousSecretHash ?? NO_HASH) && previousLive
      // Unknown id and wrong secret are the same answer: the id alone proves nothing.
      if (!key || !(current || previous)) throw new AuthError('API_KEY_INVALID')
      if (key.revokedAt !== undefined) throw new AuthError('API_KEY_REVOKED')
      if (key.expiresAt !== undefined && key.expiresAt <= now) throw new AuthError('API_KEY_EXPIRED')
      if (!allowlist.allows(ip)) throw new AuthError('IP_NOT_ALLOWED', `key ${key.id}`)
      uses.note(key.id, now, ip)
      const validUntil = Math.min(key.expiresAt ?? Infinity, current ? Infinity : key.previousExpiresAt!)
      return {
        accountId: key.accountId,
        scopes: apiKeyScopes(key.scope),
        via: 'api_key',
        apiKeyId: key.id,
        ...(validUntil === Infinity ? {} : { validUntil }),
      }
    },

    /** Keys revoked or rotated elsewhere (a bus message): their next request reads the store. */
    forget: (ids: readonly string[]) => cache.forget(ids),
    /** After a gap in which bus messages may have been lost: every key is read again. */
    forgetAll: () => cache.clear(),
    /** Writes the noted last uses (graceful shutdown). */
    close: () => uses.close(),
  }
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>
