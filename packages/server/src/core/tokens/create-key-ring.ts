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

export interface KeyRingOptions {
  algorithm: SigningAlgorithm
  masterKey?: Uint8Array
  /** A retired key stays published (and accepted) this long: longer than any token it signed lives. */
  retentionMs: number
}

export interface KeyRing {
  /** Reads the ring from the store, generating the first key on an empty store. */
  load(): Promise<void>
  /** Re-reads the store; a key activated by `sigil keys rotate` starts signing here. */
  refresh(): Promise<void>
  /**
   * A token names a kid this ring does not know: another replica may have made a key since the
   * last refresh (two replicas starting on an empty store both make one). Re-reads the store at
   * most once per second whatever is presented (forged kids cost one read a second, not one each);
   * true when the ring changed, so the caller verifies once more.
   */
  reloadForUnknownKid(): Promise<boolean>
  /** Generates a new key and makes it the active one in the store (and here). */
  rotate(): Promise<string>
  activeKey(): ImportedSigningKey
  /** Public key for a `kid`, if it is ours and still within retention. */
  resolve(kid: string): ImportedSigningKey | undefined
  jwks(): JsonWebKeySet
}

/**
 * The signing-key ring (RFC 7517 JWKS publishing, RFC 7638 kids). The store is the source of
 * truth so that every replica, and the CLI, agree on which key is active.
 */
export function createKeyRing(store: SigningKeyStore, clock: Clock, options: KeyRingOptions): KeyRing {
  let active: ImportedSigningKey | undefined
  let published = new Map<string, ImportedSigningKey>()
  let document: JsonWebKeySet = { keys: [] }
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

  const apply = async (keys: StoredSigningKey[]) => {
    const now = clock.now()
    const live = keys.filter((k) => k.retiredAt === undefined || k.retiredAt + options.retentionMs > now)
    const next = live.filter((k) => k.retiredAt === undefined).sort((a, b) => b.createdAt - a.createdAt)[0]
    const print = live.map((k) => `${k.kid}:${k.retiredAt ?? ''}`).join(',')
    if (!next) return false
    if (print === fingerprint) return true
    const ready = await Promise.all(live.map(importStored))
    published = new Map(ready.map((k) => [k.kid, k]))
    active = published.get(next.kid)
    // The active key first, then the others newest first: clients that take keys[0] get the signer.
    const ordered = [next, ...live.filter((k) => k !== next).sort((a, b) => b.createdAt - a.createdAt)]
    document = createJwks(
      ordered.map((k) => ({
        kid: k.kid,
        alg: k.alg as SigningAlgorithm,
        publicJwk: JSON.parse(k.publicJwk),
      })),
    )
    fingerprint = print
    return true
  }

  const rotate = async () => {
    // Prove first that this process holds the right master key for every stored key: a rotation
    // run with a missing or wrong key must change nothing (not leave a plaintext or orphaned key).
    const existing = await store.list()
    for (const key of existing) openPrivateKey(key.privateJwk, options.masterKey, key.kid)
    await apply(existing)
    const pair = await generateSigningKey(options.algorithm)
    await store.activate(
      {
        kid: pair.kid,
        alg: pair.alg,
        publicJwk: JSON.stringify(pair.publicJwk),
        privateJwk: sealPrivateKey(JSON.stringify(pair.privateJwk), options.masterKey, pair.kid),
        createdAt: clock.now(),
      },
      clock.now(),
    )
    await apply(await store.list())
    return pair.kid
  }

  return {
    async load() {
      const loaded = await apply(await store.list())
      // A changed `jwtAlgorithm` takes effect through a normal rotation: old tokens stay valid.
      if (!loaded || active?.alg !== options.algorithm) await rotate()
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
      if (!active) throw new Error('key ring not loaded')
      return active
    },
    resolve(kid) {
      return published.get(kid)
    },
    jwks() {
      return document
    },
  }
}
