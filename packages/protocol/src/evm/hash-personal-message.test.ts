import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { hashMessage as ethersHashMessage } from 'ethers'
import fc from 'fast-check'
import { toHex, hashMessage as viemHashMessage } from 'viem'
import { describe, expect, it } from 'vitest'
import type { EvmCrypto } from './evm-crypto.js'
import { hashPersonalMessage } from './hash-personal-message.js'
import { keccak256 } from './keccak256.js'

describe('hashPersonalMessage', () => {
  it('default: matches viem and ethers for a SIWE-like message', () => {
    const text =
      'app.example wants you to sign in with your Ethereum account:\n0xabc\n\nURI: https://app.example'
    const bytes = utf8ToBytes(text)
    const expected = viemHashMessage({ raw: bytes })
    expect(toHex(hashPersonalMessage(bytes))).toBe(expected)
    expect(ethersHashMessage(bytes)).toBe(expected)
  })

  it('behavior: hashes exactly "\\x19Ethereum Signed Message:\\n" + decimal byte length + bytes', () => {
    const bytes = utf8ToBytes('hello')
    const manual = keccak256(utf8ToBytes('\x19Ethereum Signed Message:\n5hello'))
    expect(hashPersonalMessage(bytes)).toEqual(manual)
    // Empty message: the length is written as "0", not omitted.
    expect(hashPersonalMessage(new Uint8Array(0))).toEqual(
      keccak256(utf8ToBytes('\x19Ethereum Signed Message:\n0')),
    )
  })

  it('behavior: the length is the UTF-8 byte length, not the string length', () => {
    const text = 'Éxchange 🚀 日本'
    const bytes = utf8ToBytes(text)
    expect([text.length, bytes.length]).toEqual([14, 21])
    expect(toHex(hashPersonalMessage(bytes))).toBe(viemHashMessage(text))
    expect(hashPersonalMessage(bytes)).toEqual(
      keccak256(utf8ToBytes(`\x19Ethereum Signed Message:\n${bytes.length}${text}`)),
    )
  })

  it('behavior: agrees with viem on random byte strings of any length (multi-digit lengths too)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), (bytes) => {
        expect(toHex(hashPersonalMessage(bytes))).toBe(viemHashMessage({ raw: bytes }))
      }),
      { numRuns: 100 },
    )
  })

  it('behavior: hashes the bytes as given, including non-UTF-8 ones, and never re-encodes them', () => {
    const raw = hexToBytes('ff00fe0a0d')
    expect(toHex(hashPersonalMessage(raw))).toBe(viemHashMessage({ raw }))
  })

  it('behavior: uses the keccak256 of the backend it is given', () => {
    const calls: Uint8Array[] = []
    const crypto: EvmCrypto = {
      name: 'spy',
      keccak256: (data) => {
        calls.push(data.slice())
        return keccak256(data)
      },
      recoverPublicKey: () => null,
    }
    hashPersonalMessage(utf8ToBytes('ab'), crypto)
    expect(calls).toEqual([utf8ToBytes('\x19Ethereum Signed Message:\n2ab')])
  })

  it('behavior: a string hashes as its UTF-8 bytes (lone surrogates as U+FFFD, as TextEncoder does)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 600 }),
      fc.string({ unit: 'binary', maxLength: 600 }),
    )
    fc.assert(
      fc.property(text, (message) => {
        const bytes = new TextEncoder().encode(message)
        expect(toHex(hashPersonalMessage(message))).toBe(viemHashMessage({ raw: bytes }))
      }),
      { numRuns: 200 },
    )
    expect(toHex(hashPersonalMessage('a\ud800b'))).toBe(viemHashMessage({ raw: utf8ToBytes('a\ufffdb') }))
  })

  it('behavior: messages longer than the shared buffer hash the same as short ones would', () => {
    // Around the 4096-byte buffer and its 3-bytes-per-char string bound, in bytes and in text.
    for (const n of [1353, 1354, 1355, 4059, 4060, 4061, 5000, 20_000]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 7 + 1) & 0x7f)
      const expected = viemHashMessage({ raw: bytes })
      expect(toHex(hashPersonalMessage(bytes))).toBe(expected)
      expect(toHex(hashPersonalMessage(new TextDecoder().decode(bytes)))).toBe(expected)
    }
    const wide = '日'.repeat(1400) // 4200 bytes: over the buffer although 1400 < 4060 chars
    expect(toHex(hashPersonalMessage(wide))).toBe(viemHashMessage(wide))
  })

  it('behavior: the reused buffer never leaks one message into the next hash', () => {
    const long = 'x'.repeat(1000)
    const first = toHex(hashPersonalMessage(long))
    // A shorter message after a longer one, then the longer again: each as if hashed alone.
    expect(toHex(hashPersonalMessage('ab'))).toBe(viemHashMessage('ab'))
    expect(toHex(hashPersonalMessage(utf8ToBytes('ab')))).toBe(viemHashMessage('ab'))
    expect(toHex(hashPersonalMessage(long))).toBe(first)
    expect(first).toBe(viemHashMessage(long))
  })
})
