import { describe, expect, it } from 'vitest'
import { randomBase62 } from '../random-base62.js'
import {
  API_KEY_SCANNER_PATTERN,
  apiKeyChecksum,
  createApiKeySecret,
  looksLikeApiKey,
  parseApiKeySecret,
} from './api-key-secret.js'

/** What a secret scanner does with the documented pattern: match, then keep only good checksums. */
const scan = (text: string) =>
  [...text.matchAll(API_KEY_SCANNER_PATTERN)]
    .map((m) => m[0])
    .filter((key) => apiKeyChecksum(key.slice(0, -6)) === key.slice(-6))

describe('API key secrets', () => {
  it('default: sgl_sk_ + 16-character id + 43 characters of secret + 6 of checksum; only its SHA-256 is kept', () => {
    const key = createApiKeySecret()
    expect(key.secret).toMatch(/^sgl_sk_[0-9A-Za-z]{65}$/)
    expect(key.secret.slice(-6)).toBe(apiKeyChecksum(key.secret.slice(0, -6)))
    expect(parseApiKeySecret(key.secret)).toEqual({ id: key.id, secretPart: key.secret.slice(23, 66) })
    expect(key.secretHash).toHaveLength(32)
  })

  it('behavior: the checksum is zlib CRC32 in six base62 digits (a known vector, for scanner authors)', () => {
    // crc32("123456789") = 0xCBF43926, the CRC-32/ISO-HDLC check value; in base 62 digits: 3jZRME.
    expect(apiKeyChecksum('123456789')).toBe('3jZRME')
    expect(apiKeyChecksum('')).toBe('000000')
  })

  it('attack: one character changed anywhere in a key fails its checksum (refused before any lookup)', () => {
    const { secret } = createApiKeySecret()
    for (let i = 7; i < secret.length; i++) {
      const swapped = secret[i] === 'a' ? 'b' : 'a'
      expect(parseApiKeySecret(`${secret.slice(0, i)}${swapped}${secret.slice(i + 1)}`)).toBeUndefined()
    }
    // The brand is covered too: a Sigil key re-branded does not pass.
    expect(parseApiKeySecret(`ocx${secret.slice(3)}`)).toBeUndefined()
  })

  it('behavior: the scanner pattern finds minted keys in text and nothing in random look-alikes', () => {
    const keys = [createApiKeySecret().secret, createApiKeySecret().secret]
    expect(scan(`token=${keys[0]}\n"apiKey": "${keys[1]}",`)).toEqual(keys)
    const lookAlikes = Array.from({ length: 2000 }, () => `sgl_sk_${randomBase62(65)}`)
    expect(lookAlikes.every((s) => s.match(API_KEY_SCANNER_PATTERN))).toBe(true) // the shape alone matches…
    expect(scan(lookAlikes.join(' '))).toEqual([]) // …the checksum tells them apart
    expect(scan(`sgl_sk_${'a'.repeat(59)} ${keys[0]}x`)).toEqual([]) // too short; run on into a word
  })

  it('behavior: a key minted before the checksum (sgl_sk_ + 59) still parses: bots hold them', () => {
    const legacy = `sgl_sk_${'a'.repeat(16)}${'b'.repeat(43)}`
    expect(parseApiKeySecret(legacy)).toEqual({ id: 'a'.repeat(16), secretPart: 'b'.repeat(43) })
  })

  it('behavior: a dialect’s brand is only the prefix: the same id and secret parse the same', () => {
    const key = createApiKeySecret('a'.repeat(16), 'ocx')
    expect(key.secret.startsWith('ocx_sk_aaaaaaaaaaaaaaaa')).toBe(true)
    expect(key.secret).toMatch(/^ocx_sk_[0-9A-Za-z]{59}$/) // OCX's shape, without Sigil's checksum
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
