import {
  createJwks,
  generateSigningKey,
  type ImportedSigningKey,
  importSigningKey,
  type JsonWebKeySet,
  type SigningAlgorithm,
} from '@sigil/protocol'
import type { Clock } from '../clock.js'
import type { SigningKeyStore, StoredSigningKey } from '../ports.js'
import { openPrivateKey, sealPrivateKey } from './key-envelope.js'

/**
 * How long verifiers may cache the JWKS (its `Cache-Control: max-age`): a key must be published
 * at least this long before it signs, so that a cached JWKS already holds it (signingKeyLeadSeconds).
 */
export const JWKS_MAX_AGE_SECONDS = 60

export interface KeyRingOptions {
  algorithm: SigningAlgorithm
  masterKey?: Uint8Array
  /** A retired key stays published (and accepted) this long: longer than any token it signed lives. */
  retentionMs: number
  /** How long a rotation publishes the next key before it signs (`signingKeyLeadSeconds`). */
  leadMs: number
}

export interface ScheduledKey {
  kid: string
  /** When it starts signing: now for an immediate rotation, `leadMs` from now otherwise. */
  activatesAt: number
}

export interface KeyRing {
  /** Reads the ring from the store, generating the first key on an empty store. */
  load(): Promise<void>
  /** Re-reads the store; a key made by `sigil keys rotate` is published (and signs from its time) here. */
  refresh(): Promise<void>
  /**
   * A token names a kid this ring does not know: another replica may have made a key since the
   * last refresh (two replicas starting on an empty store both make one). Re-reads the store at
   * most once per second whatever is presented (forged kids cost one read a second, not one each);
   * true when the ring changed, so the caller verifies once more.
   */
  reloadForUnknownKid(): Promise<boolean>
  /**
   * Generates a new key. By default it is scheduled: published at once, signing `leadMs` later,
   * when the current key retires (verifiers that cached the JWKS hold it by then). `immediate`
   * (a compromised key): it signs now, and the current key retires now.
   */
  rotate(options?: { immediate?: boolean }): Promise<ScheduledKey>
  /** The key that signs now (by the clock: a scheduled key takes over at its time, on every replica). */
  activeKey(): ImportedSigningKey
  /** Public key for a `kid`, if it is ours and still within retention (a scheduled one included). */
  resolve(kid: string): ImportedSigningKey | undefined
  /** The published keys: the signing one first, then the others newest first (a scheduled one too). */
  jwks(): JsonWebKeySet
}

/**
 * When a stored key signs: [start, end). A key made to sign at once has no start (not its
 * `createdAt`): a replica whose clock runs behind the one that made it must not find no signer.
 */
const signsFrom = (key: StoredSigningKey) => key.activatesAt ?? Number.NEGATIVE_INFINITY
const signsAt = (key: StoredSigningKey, now: number) =>
  signsFrom(key) <= now && (key.retiredAt === undefined || key.retiredAt > now)

/**
 * The signing-key ring (RFC 7517 JWKS publishing, RFC 7638 kids). The store is the source of
 * truth so that every replica, and the CLI, agree on which key signs when. A rotation is a
 * schedule, not a flip: the next key is in the JWKS for `leadMs` before it signs, so a verifier
 * whose cached JWKS predates the rotation still knows the key of every token it is shown; the
 * switch happens by each replica's clock, with no message needed at that instant.
 */
export function createKeyRing(store: SigningKeyStore, clock: Clock, options: KeyRingOptions): KeyRing {
  let live: StoredSigningKey[] = []
  let published = new Map<string, ImportedSigningKey>()
  let documents = new Map<string, JsonWebKeySet>()
  let fingerprint = ''
  const imported = new Map<string, ImportedSigningKey>()
  let unknownKidReloadAt = Number.NEGATIVE_INFINITY
  let unknownKidReload: Promise<boolean> | undefined

  const importStored = async (key: StoredSigningKey) => {
    const cached = imported.get(key.kid)
    if (cached) return cached
    const ready = await importSigningKey({
      kid: key.kid,
      alg: key.alg as SigningAlgorithm,
      publicJwk: JSON.parse(key.publicJwk),
      privateJwk: JSON.parse(openPrivateKey(key.privateJwk, options.masterKey, key.kid)),
    })
    imported.set(key.kid, ready)
    return ready
  }

  /** The stored key signing at `now`: the one whose interval holds it (the latest start, should two). */
  const signerAt = (now: number) =>
    live.filter((k) => signsAt(k, now)).sort((a, b) => signsFrom(b) - signsFrom(a))[0]

  const apply = async (keys: StoredSigningKey[]) => {
    const now = clock.now()
    const kept = keys.filter((k) => k.retiredAt === undefined || k.retiredAt + options.retentionMs > now)
    const print = kept.map((k) => `${k.kid}:${k.retiredAt ?? ''}:${k.activatesAt ?? ''}`).join(',')
    if (print !== fingerprint) {
      const ready = await Promise.all(kept.map(importStored))
      published = new Map(ready.map((k) => [k.kid, k]))
      live = kept
      documents = new Map()
      fingerprint = print
    }
    return signerAt(now) !== undefined
  }

  const rotate = async ({ immediate = false }: { immediate?: boolean } = {}): Promise<ScheduledKey> => {
    // Prove first that this process holds the right master key for every stored key: a rotation
    // run with a missing or wrong key must change nothing (not leave a plaintext or orphaned key).
    const existing = await store.list()
    for (const key of existing) openPrivateKey(key.privateJwk, options.masterKey, key.kid)
    await apply(existing)
    const pair = await generateSigningKey(options.algorithm)
    const now = clock.now()
    // No key signs yet (an empty store): there is nothing to roll over from, so it signs at once.
    const activatesAt = immediate || !signerAt(now) ? now : now + options.leadMs
    await store.activate(
      {
        kid: pair.kid,
        alg: pair.alg,
        publicJwk: JSON.stringify(pair.publicJwk),
        privateJwk: sealPrivateKey(JSON.stringify(pair.privateJwk), options.masterKey, pair.kid),
        createdAt: now,
      },
      activatesAt,
    )
    await apply(await store.list())
    return { kid: pair.kid, activatesAt }
  }

  return {
    async load() {
      const loaded = await apply(await store.list())
      // A first key, or a changed `jwtAlgorithm`, signs at once (nothing to roll over from; old
      // tokens stay valid through retention).
      if (!loaded || signerAt(clock.now())?.alg !== options.algorithm) await rotate({ immediate: true })
    },
    async refresh() {
      await apply(await store.list())
    },
    reloadForUnknownKid() {
      const now = clock.now()
      if (unknownKidReload && now - unknownKidReloadAt < 1000) return unknownKidReload
      if (now - unknownKidReloadAt < 1000) return Promise.resolve(false)
      unknownKidReloadAt = now
      const before = fingerprint
      unknownKidReload = store
        .list()
        .then(apply)
        .then(() => fingerprint !== before)
        .finally(() => {
          unknownKidReload = undefined
        })
      return unknownKidReload
    },
    rotate,
    activeKey() {
      const signer = signerAt(clock.now())
      const key = signer && published.get(signer.kid)
      if (!key) throw new Error('key ring not loaded')
      return key
    },
    resolve(kid) {
      return published.get(kid)
    },
    jwks() {
      const signer = signerAt(clock.now())
      const cacheKey = signer?.kid ?? ''
      const cached = documents.get(cacheKey)
      if (cached) return cached
      // The signing key first, then the others newest first: clients that take keys[0] get the signer.
      const others = live.filter((k) => k !== signer).sort((a, b) => b.createdAt - a.createdAt)
      const document = createJwks(
        (signer ? [signer, ...others] : others).map((k) => ({
          kid: k.kid,
          alg: k.alg as SigningAlgorithm,
          publicJwk: JSON.parse(k.publicJwk),
        })),
      )
      documents.set(cacheKey, document)
      return document
    },
  }
}
