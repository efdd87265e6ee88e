import { timingSafeEqual } from 'node:crypto'
import type { SignedRequest } from '@sigil/protocol/http-signatures'
import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import type { Identity } from '../identity.js'
import { createIpAllowlist } from '../network/ip-allowlist.js'
import type { Account, ApiKey, ApiKeyCredentialKind, ApiKeyStore } from '../ports.js'
import { randomBase62 } from '../random-base62.js'
import { type ApiKeyScope, apiKeyScopes } from '../scopes.js'
import { hashSecret } from '../secret-token.js'
import { type ApiKeyBrand, createApiKeySecret, parseApiKeySecret } from './api-key-secret.js'
import { type ApiKeyView, statusOf, viewOf } from './api-key-view.js'
import { newHmacSecret } from './hmac-secret.js'
import { createLastUseRecorder } from './last-use-recorder.js'
import { checkedJwk, newKeyRecord } from './new-key-rules.js'
import {
  createSignedRequestVerifier,
  type SignedRequestOptions,
  type SignedRequestSettings,
} from './signed-request-verifier.js'
import { type CachedKeyLookup, createVerifiedKeyCache } from './verified-key-cache.js'

export type { ApiKeyStatus, ApiKeyView } from './api-key-view.js'

export interface NewApiKeyRequest {
  /** The prefix the secret is printed with (a venue dialect's, e.g. `ocx`); Sigil's by default. */
  brand?: ApiKeyBrand
  name: string
  scope: ApiKeyScope
  allowedIps?: readonly string[]
  expiresInDays?: number
}

/**
 * A signed-request key (RFC 9421, docs/signed-requests.md) to register for an account: the
 * client keeps the private key; Sigil stores `publicKey` only.
 */
export interface PublicKeyApiKeyRequest {
  name: string
  scope: ApiKeyScope
  /** A public JWK, as received: OKP Ed25519 or EC P-256; anything else is refused (JWK_* codes). */
  publicKey: unknown
  /** Epoch ms; absent: never expires. */
  expiresAt?: number
  allowedIps?: readonly string[]
  /** Who registers it: a signed-in session, or a wallet's authorization of an agent key. */
  origin: 'session' | 'agent'
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
  /** RFC 9421 signed requests by public-key keys: their window and replay cache. */
  signedRequests: SignedRequestSettings
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

  // The store counts the account's `active` keys and inserts in one atomic step.
  const insert = async (key: ApiKey) => {
    if ((await store.insert(key, { maxActivePerAccount: options.maxPerAccount })) === 'limit_reached')
      throw new AuthError('API_KEY_LIMIT_REACHED')
  }

  /** Replaces the credential of the account's key by one of the same kind; see ApiKeyStore. */
  const replace = async (
    accountId: string,
    id: string,
    kind: ApiKeyCredentialKind,
    next: Parameters<ApiKeyStore['replaceCredential']>[2],
    now: number,
  ) => {
    const replaced = await store.replaceCredential(id, accountId, next, now)
    cache.forget([id])
    if (replaced) return (await store.findById(id))!
    const key = await store.findById(id)
    // A key of the account, in force, of the other kind: say so rather than "not found".
    if (key && key.accountId === accountId && key.credential.kind !== kind && statusOf(key, now) === 'active')
      throw new AuthError('API_KEY_CREDENTIAL_MISMATCH', `key ${id} holds a ${key.credential.kind}`, {
        detail: `this key holds a ${key.credential.kind}`,
      })
    throw new AuthError('API_KEY_NOT_FOUND')
  }

  const signed = createSignedRequestVerifier({
    lookUp,
    noteUse: (id, at, ip) => uses.note(id, at, ip),
    clock,
    settings: options.signedRequests,
  })

  const hmacMasterKey = () => {
    const masterKey = options.signedRequests.masterKey
    if (!masterKey) throw new AuthError('HMAC_KEYS_DISABLED')
    return masterKey
  }

  return {
    /** Mints a key for a signed-in account; the secret is returned here once and never again. */
    async create(account: Account, request: NewApiKeyRequest): Promise<{ key: ApiKeyView; secret: string }> {
      const now = clock.now()
      const secret = createApiKeySecret(undefined, request.brand)
      const { expiresInDays, ...fields } = request
      const expiry = expiresInDays === undefined ? {} : { expiresAt: now + expiresInDays * DAY_MS }
      const credential = {
        kind: 'secret' as const,
        secretHash: secret.secretHash,
        secretTail: secret.secretTail,
      }
      const key = newKeyRecord(account, { ...fields, ...expiry }, secret.id, credential, now)
      await insert(key)
      return { key: await viewOf(key, now), secret: secret.secret }
    },

    /**
     * Registers a signed-request key for `account` (a session's `POST /v1/api-keys` with a
     * `publicKey`, or an agent key a wallet authorized): the same rules as a secret key (a pending
     * account gets no trade key, the per-account limit, the allowlist), the public JWK checked by
     * parsePublicKeyJwk and stored in its canonical public form. No secret exists, none is returned.
     * The caller records the audit event (account actions do, naming `origin`).
     */
    async registerPublicKeyApiKey(account: Account, request: PublicKeyApiKeyRequest): Promise<ApiKeyView> {
      const publicKey = checkedJwk(request.publicKey)
      const now = clock.now()
      const key = newKeyRecord(account, request, randomBase62(16), { kind: 'public-key', publicKey }, now)
      await insert(key)
      return viewOf(key, now)
    },

    async list(accountId: string): Promise<ApiKeyView[]> {
      const now = clock.now()
      // Uses noted in this process and not written yet show at once (other replicas' show once written).
      const keys = await store.listOfAccount(accountId)
      return Promise.all(
        keys.map((key) => {
          const noted = uses.pendingOf(key.id)
          const latest =
            noted && noted.at >= (key.lastUsedAt ?? -Infinity)
              ? { lastUsedAt: noted.at, lastUsedIp: noted.ip }
              : {}
          return viewOf({ ...key, ...latest }, now)
        }),
      )
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
      const existing = await store.findById(id)
      if (existing?.accountId === accountId && existing.credential.kind === 'hmac') {
        // An hmac key rotates to a new shared secret, shown once as a bearer key's is.
        const fresh = newHmacSecret(id, hmacMasterKey())
        const next = {
          credential: { kind: 'hmac' as const, sealedSecret: fresh.sealed },
          previousExpiresAt: now + graceSeconds * 1000,
        }
        const key = await replace(accountId, id, 'hmac', next, now)
        return { key: await viewOf(key, now), secret: fresh.secret }
      }
      const secret = createApiKeySecret(id, brand)
      const credential = {
        kind: 'secret' as const,
        secretHash: secret.secretHash,
        secretTail: secret.secretTail,
      }
      const next = { credential, previousExpiresAt: now + graceSeconds * 1000 }
      const key = await replace(accountId, id, 'secret', next, now)
      return { key: await viewOf(key, now), secret: secret.secret }
    },

    /**
     * A new public key for the same key id (a signed-request key): signatures by the old one keep
     * verifying for `graceSeconds` (0: they stop now). Refused for a secret key.
     */
    async rotatePublicKey(
      accountId: string,
      id: string,
      publicKey: unknown,
      graceSeconds: number,
    ): Promise<ApiKeyView> {
      const checked = checkedJwk(publicKey)
      const now = clock.now()
      const next = {
        credential: { kind: 'public-key' as const, publicKey: checked },
        previousExpiresAt: now + graceSeconds * 1000,
      }
      return viewOf(await replace(accountId, id, 'public-key', next, now), now)
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
      // A public-key key has no secret: presented as a bearer key, it is an unknown one.
      const secretHash = key?.credential.kind === 'secret' ? key.credential.secretHash : undefined
      const previousHash =
        key?.previousCredential?.kind === 'secret' ? key.previousCredential.secretHash : undefined
      const current = hashesMatch(presentedHash, secretHash ?? NO_HASH) && secretHash !== undefined
      const previousLive = previousHash !== undefined && (key!.previousExpiresAt ?? 0) > now
      const previous = hashesMatch(presentedHash, previousHash ?? NO_HASH) && previousLive
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

    /**
     * Checks an RFC 9421 signed request by a public-key key (signed-request-verifier.ts): the
     * same identity as its bearer counterpart, marked `signedRequest`; the same refusals
     * (API_KEY_REVOKED, API_KEY_EXPIRED, IP_NOT_ALLOWED) plus the HTTP_SIGNATURE_* ones.
     */
    authenticateSigned: (request: SignedRequest, ip: string, requestOptions: SignedRequestOptions) =>
      signed.authenticate(request, ip, requestOptions),
    /** A connection opened by a signed upgrade, checked again; see the verifier's `recheck`. */
    recheckSigned: (keyId: string, signer: string, ip: string) => signed.recheck(keyId, signer, ip),

    /**
     * Mints an `hmac-sha256` signed-request key (hmacSignedRequests): a 256-bit shared secret,
     * returned here once (base64url; the HMAC key is its decoded bytes) and stored sealed under the
     * master key. 400 HMAC_KEYS_DISABLED unless the server enables them.
     */
    async registerHmacApiKey(
      account: Account,
      request: Omit<PublicKeyApiKeyRequest, 'publicKey'>,
    ): Promise<{ key: ApiKeyView; secret: string }> {
      const masterKey = hmacMasterKey()
      const now = clock.now()
      const id = randomBase62(16)
      const { secret, sealed } = newHmacSecret(id, masterKey)
      const key = newKeyRecord(account, request, id, { kind: 'hmac', sealedSecret: sealed }, now)
      await insert(key)
      return { key: await viewOf(key, now), secret }
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
