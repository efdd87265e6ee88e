import { describe, expect, it } from 'vitest'
import { createVerifiedTokenCache } from './verified-token-cache.js'

const token = (header: string, signature: string) => `${header}.eyJzdWIiOiJhIn0.${signature}`
const SIGNATURE = 'MEUCIQDx7bq3nq0Vb2YkR8pTz1WcM4Lh9sJfX2aQe5rT8uYvNw'

describe('verified-token cache', () => {
  it('behavior: a stored token is found by its exact text', () => {
    const cache = createVerifiedTokenCache<string>(10)
    cache.set(token('eyJhbGciOiJFUzI1NiJ9', SIGNATURE), 'claims')
    expect(cache.get(token('eyJhbGciOiJFUzI1NiJ9', SIGNATURE))).toBe('claims')
    expect(cache.get('short')).toBeUndefined()
  })

  it('attack: a forged token ending like a verified one (same signature, other claims) is a miss', () => {
    const cache = createVerifiedTokenCache<string>(10)
    cache.set(token('eyJhbGciOiJFUzI1NiJ9', SIGNATURE), 'claims')
    expect(cache.get(`eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJiIn0.${SIGNATURE}`)).toBeUndefined()
    expect(cache.get(`x${token('eyJhbGciOiJFUzI1NiJ9', SIGNATURE)}`)).toBeUndefined()
    expect(cache.get(SIGNATURE.slice(-24))).toBeUndefined()
  })

  it('behavior: bounded, the oldest entry leaves first', () => {
    const cache = createVerifiedTokenCache<number>(2)
    const tokens = [1, 2, 3].map((n) => token('eyJhbGciOiJFUzI1NiJ9', `${SIGNATURE}${n}`))
    for (const [n, t] of tokens.entries()) cache.set(t, n)
    expect(tokens.map((t) => cache.get(t))).toEqual([undefined, 1, 2])
  })
})
