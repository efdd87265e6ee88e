import { Point } from '@scure/starknet'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { STARK_P } from './felt.js'
import { starkKeyPoints, starkKeyY } from './stark-key-points.js'

// A2's stark key (§11): its signatures verify with the odd-y point.
const X = 0x8857491dd4065910836e3b02bd51c93f1c3c1e2289accb0bc02123555569c1n
const coordinates = (point: string) => Point.fromHex(point).toAffine()

describe('starkKeyPoints', () => {
  it('default: the even-y point first, then its negation, both valid curve points', () => {
    const points = starkKeyPoints(0x6474150249eab5cd37f421f36b2750ad8fb226530dcef499bfa21fd73120e18n)
    if (points === null) throw new Error('expected points')
    const [first, second] = points.map(coordinates)
    expect(first?.y !== undefined && first.y % 2n).toBe(0n)
    expect(second?.x).toBe(first?.x)
    expect(second?.y).toBe(STARK_P - (first?.y ?? 0n))
  })

  it('behavior: starkKeyY is the first point’s y', () => {
    const points = starkKeyPoints(X)
    if (points === null) throw new Error('expected points')
    expect(starkKeyY(X)).toBe(coordinates(points[0]).y)
  })

  it.each([
    ['0', 0n],
    ['P', STARK_P],
    ['negative', -1n],
    ['an x with no curve point (5)', 5n],
  ])('error: %s → null', (_name, x) => {
    expect(starkKeyPoints(x)).toBeNull()
    expect(starkKeyY(x)).toBeNull()
  })

  it('behavior: starkKeyY equals @scure/starknet’s decompression (even y, or none) on random and boundary x', () => {
    const reference = (x: bigint): bigint | null => {
      try {
        return Point.fromHex(`02${x.toString(16).padStart(64, '0')}`).toAffine().y
      } catch {
        return null
      }
    }
    const x = fc.oneof(
      fc.bigInt({ min: 1n, max: STARK_P - 1n }),
      fc.bigInt({ min: 1n, max: 1000n }),
      fc.constantFrom(1n, 2n, STARK_P - 1n, STARK_P - 2n, 2n ** 251n, X),
    )
    let points = 0
    fc.assert(
      fc.property(x, (value) => {
        const expected = reference(value)
        if (expected !== null) points++
        return starkKeyY(value) === expected
      }),
      { numRuns: 300 },
    )
    // About half of all x have a point: both branches were taken.
    expect(points).toBeGreaterThan(50)
    expect(points).toBeLessThan(250)
  })
})
