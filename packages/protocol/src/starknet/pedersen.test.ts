import { pedersen as scurePedersen } from '@scure/starknet'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { STARK_P } from './felt.js'
import { pedersen, pedersenPrefix, pedersenWithPrefix } from './pedersen.js'

const reference = (a: bigint, b: bigint) => BigInt(scurePedersen(a, b))
const felt = fc.bigInt({ min: 0n, max: STARK_P - 1n })
const BOUNDARIES = [0n, 1n, (1n << 248n) - 1n, 1n << 248n, (1n << 248n) + 1n, STARK_P - 1n, 2n ** 251n]

describe('pedersen', () => {
  it('default: StarkWare test vector pedersen(1, 2)', () => {
    // starknet.js / cairo-lang: pedersen(1, 2) = 0x5bb9440e27889a364bcb678b1f679ecd1347acdedcbf36e83494f857cc58026
    expect(pedersen(1n, 2n)).toBe(0x5bb9440e27889a364bcb678b1f679ecd1347acdedcbf36e83494f857cc58026n)
  })

  it('behavior: equals @scure/starknet on random felts', () => {
    fc.assert(
      fc.property(felt, felt, (a, b) => pedersen(a, b) === reference(a, b)),
      { numRuns: 200 },
    )
  })

  it('behavior: one prefix point reused for several second inputs equals @scure/starknet each time', () => {
    fc.assert(
      fc.property(felt, fc.array(felt, { minLength: 1, maxLength: 4 }), (a, bs) => {
        const prefix = pedersenPrefix(a)
        return bs.every((b) => pedersenWithPrefix(prefix, b) === reference(a, b))
      }),
      { numRuns: 50 },
    )
    const prefix = pedersenPrefix(STARK_P - 1n)
    for (const b of BOUNDARIES.slice(0, -1))
      expect(pedersenWithPrefix(prefix, b)).toBe(reference(STARK_P - 1n, b))
    expect(() => pedersenWithPrefix(prefix, STARK_P)).toThrow(RangeError)
  })

  it('behavior: equals @scure/starknet on every pair of boundary values (zero halves, the 248-bit split, P − 1)', () => {
    for (const a of BOUNDARIES)
      for (const b of BOUNDARIES) expect([a, b, pedersen(a, b)]).toEqual([a, b, reference(a, b)])
  })

  it('error: a value outside [0, P) is refused, as @scure/starknet refuses it', () => {
    for (const [a, b] of [
      [-1n, 0n],
      [0n, STARK_P],
      [STARK_P, 0n],
    ] as const) {
      expect(() => pedersen(a, b)).toThrow(RangeError)
      expect(() => reference(a, b)).toThrow(RangeError)
    }
  })
})
