import { secp256k1 } from '@noble/curves/secp256k1.js'
import { describe, expect, it } from 'vitest'
import { SECP256K1_HALF_N, SECP256K1_N } from './secp256k1-order.js'

describe('SECP256K1_N', () => {
  it('default: equals the curve order that @noble/curves uses', () => {
    expect(SECP256K1_N).toBe(secp256k1.Point.CURVE().n)
  })

  it('behavior: the low-s bound is n/2 rounded down', () => {
    expect(SECP256K1_HALF_N * 2n + 1n).toBe(SECP256K1_N)
  })
})
