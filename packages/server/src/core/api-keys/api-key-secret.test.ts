import { describe, expect, it } from 'vitest'
import { createApiKeySecret, looksLikeApiKey, parseApiKeySecret } from './api-key-secret.js'

describe('API key secrets', () => {
  it('default: sgl_sk_ + 16-character id + 43 characters of secret; only its SHA-256 is kept', () => {
    const key = createApiKeySecret()
    expect(key.secret).toMatch(/^sgl_sk_[0-9A-Za-z]{59}$/)
    expect(parseApiKeySecret(key.secret)).toEqual({ id: key.id, secretPart: key.secret.slice(23) })
    expect(key.secretHash).toHaveLength(32)
  })

  it('behavior: a dialect’s brand is only the prefix: the same id and secret parse the same', () => {
    const key = createApiKeySecret('a'.repeat(16), 'ocx')
    expect(key.secret.startsWith('ocx_sk_aaaaaaaaaaaaaaaa')).toBe(true)
    expect(looksLikeApiKey(key.secret)).toBe(true)
    expect(parseApiKeySecret(key.secret)?.secretPart).toBe(
      parseApiKeySecret(`sgl${key.secret.slice(3)}`)?.secretPart,
    )
  })

  it.each(['', 'SGL', 'x', 'a_b', 'waytoolongbrand'])('error: %j is not a brand', (brand) => {
    expect(() => createApiKeySecret(undefined, brand)).toThrow(RangeError)
  })

  it('attack: nothing else a client sends reads as a key: JWTs, session values, look-alikes with a dot', () => {
    expect(looksLikeApiKey('eyJhbGciOiJFUzI1NiJ9.e30.c2ln')).toBe(false)
    expect(looksLikeApiKey(`${'a'.repeat(16)}.${'b'.repeat(43)}`)).toBe(false)
    expect(looksLikeApiKey(`ab_sk_${'c'.repeat(10)}.${'d'.repeat(43)}`)).toBe(false)
    expect(parseApiKeySecret(`sgl_sk_${'a'.repeat(58)}`)).toBeUndefined()
  })
})
