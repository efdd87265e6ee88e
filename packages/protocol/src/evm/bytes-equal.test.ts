import { describe, expect, it } from 'vitest'
import { bytesEqual } from './bytes-equal.js'

describe('bytesEqual', () => {
  it('default: equal contents are equal, whatever the backing buffer', () => {
    const a = Uint8Array.from({ length: 20 }, (_, i) => i)
    const backing = new Uint8Array(40)
    backing.set(a, 7)
    expect(bytesEqual(a, backing.subarray(7, 27))).toBe(true)
    expect(bytesEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true)
  })

  it('behavior: a difference in any position, including the last, is found', () => {
    const a = new Uint8Array(20)
    for (let i = 0; i < a.length; i++) {
      const b = new Uint8Array(20)
      b[i] = 0x80
      expect(bytesEqual(a, b)).toBe(false)
    }
  })

  it('behavior: different lengths are never equal, even as a prefix', () => {
    expect(bytesEqual(new Uint8Array(20), new Uint8Array(21))).toBe(false)
    expect(bytesEqual(new Uint8Array(0), new Uint8Array(1))).toBe(false)
  })
})
