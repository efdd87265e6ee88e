import { describe, expect, it } from 'vitest'
import { createIpAllowlist } from '../network/ip-allowlist.js'
import type { ApiKey } from '../ports.js'
import { createVerifiedKeyCache } from './verified-key-cache.js'

const key = (id: string): ApiKey => ({
  id,
  accountId: 'acc',
  name: 'bot',
  scope: 'read',
  credential: { kind: 'secret', secretHash: new Uint8Array(32), secretTail: 'abcd' },
  allowedIps: [],
  createdAt: 0,
})
const lookup = (id: string) => ({ key: key(id), allowlist: createIpAllowlist([]) })

describe('the cache of verified API keys', () => {
  it('attack: a store read that started before a revocation message is not kept (it may predate the revocation)', () => {
    const cache = createVerifiedKeyCache({ maxEntries: 10, maxAgeMs: 60_000 })
    const readAt = cache.generation
    // The message lands while the read is in flight…
    cache.forget(['k1'])
    // …and the read's (possibly pre-revocation) answer arrives afterwards.
    cache.remember('k1', lookup('k1'), 0, readAt)
    expect(cache.find('k1', 0)).toBeUndefined()
    // So does a resync (clear) in flight.
    const again = cache.generation
    cache.clear()
    cache.remember('k1', lookup('k1'), 0, again)
    expect(cache.find('k1', 0)).toBeUndefined()
  })

  it('behavior: bounded, least recently used first out; entries age out', () => {
    const cache = createVerifiedKeyCache({ maxEntries: 2, maxAgeMs: 1000 })
    for (const id of ['a', 'b']) cache.remember(id, lookup(id), 0, cache.generation)
    expect(cache.find('a', 0)).toBeDefined() // a is now the most recent
    cache.remember('c', lookup('c'), 0, cache.generation)
    expect(cache.find('b', 0)).toBeUndefined()
    expect(cache.find('a', 999)?.key?.id).toBe('a')
    expect(cache.find('a', 1000)).toBeUndefined()
    // A clock that went back: the entry's age is unknown, read again.
    cache.remember('d', lookup('d'), 5000, cache.generation)
    expect(cache.find('d', 4000)).toBeUndefined()
  })
})
