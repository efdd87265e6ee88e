import type { Identity } from '../identity.js'

const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) => {
  if (a === b) return true
  if (a === undefined || b === undefined || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Every field of an identity, compared: a memoized identity is reused only when nothing differs. */
export function sameIdentity(a: Identity, b: Identity): boolean {
  return (
    a.accountId === b.accountId &&
    a.via === b.via &&
    a.sessionId === b.sessionId &&
    a.apiKeyId === b.apiKeyId &&
    a.signedRequest === b.signedRequest &&
    a.subkey === b.subkey &&
    sameList(a.scopes, b.scopes) &&
    sameList(a.isolatedAccountIds, b.isolatedAccountIds)
  )
}

export interface IdentityMemo {
  /**
   * The identity last kept under `key` when it equals `fresh` field by field, else `fresh`, frozen
   * and kept: a credential checked again and again yields one object, which the transport can key
   * what it derives from it by (the verify answer), while any change (a rotated scope) shows at once.
   */
  same(key: string, fresh: Identity): Identity
}

/** Bounded (the oldest key goes first): a miss only costs building the answer again. */
export function createIdentityMemo(maxEntries: number): IdentityMemo {
  const kept = new Map<string, Identity>()
  return {
    same(key, fresh) {
      const known = kept.get(key)
      if (known !== undefined && sameIdentity(known, fresh)) return known
      const frozen = Object.freeze({ ...fresh, scopes: Object.freeze([...fresh.scopes]) })
      if (known === undefined && kept.size >= maxEntries) kept.delete(kept.keys().next().value!)
      kept.set(key, frozen)
      return frozen
    },
  }
}
