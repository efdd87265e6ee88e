import { invert } from '@noble/curves/abstract/modular.js'
import { Point } from '@scure/starknet'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { STARK_P } from './felt.js'
import { STARK_N } from './stark-curve.js'
import {
  add,
  addAffine,
  addWindowedMultiple,
  affineX,
  double,
  hasAffineX,
  INFINITY,
  invertModulo,
  type JacobianPoint,
  negate,
  toAffineTable,
  windowTable,
} from './stark-point-arithmetic.js'

const G = Point.BASE
const scalar = fc.bigInt({ min: 1n, max: STARK_N - 1n })
/** The same point in Jacobian coordinates with a non-trivial Z, so that Z is really used. */
const jacobian = (k: bigint, z = 7n): JacobianPoint => {
  const { x, y } = G.multiply(k).toAffine()
  return { x: (x * z * z) % STARK_P, y: (y * z * z * z) % STARK_P, z }
}
const x = (k: bigint) => G.multiply(k).toAffine().x
const xOf = (k: bigint) => ((k % STARK_N) + STARK_N) % STARK_N

describe('stark point arithmetic', () => {
  it('behavior: add, addAffine and double equal @scure/starknet on random points', () => {
    fc.assert(
      fc.property(scalar, scalar, (a, b) => {
        const { x: bx, y: by } = G.multiply(b).toAffine()
        // fast-check favours extremes, so a + b = n (the sum is ∞) does come up.
        const sum = xOf(a + b) === 0n ? null : x(xOf(a + b))
        return (
          affineX(add(jacobian(a), jacobian(b, 11n))) === sum &&
          affineX(addAffine(jacobian(a), bx, by)) === sum &&
          affineX(double(jacobian(a))) === x(xOf(2n * a))
        )
      }),
      { numRuns: 50 },
    )
  })

  it('behavior: the exceptional cases: P + P doubles, P + (−P) and anything with ∞', () => {
    const p = jacobian(5n)
    const { x: px, y: py } = G.multiply(5n).toAffine()
    expect(affineX(addAffine(p, px, py))).toBe(x(10n))
    expect(affineX(add(p, jacobian(5n, 3n)))).toBe(x(10n))
    expect(addAffine(p, px, STARK_P - py).z).toBe(0n)
    expect(add(p, negate(p)).z).toBe(0n)
    expect(affineX(add(INFINITY, p))).toBe(x(5n))
    expect(affineX(add(p, INFINITY))).toBe(x(5n))
    expect(affineX(addAffine(INFINITY, px, py))).toBe(x(5n))
    expect(double(INFINITY).z).toBe(0n)
    expect(affineX(INFINITY)).toBeNull()
    expect(hasAffineX(INFINITY, 0n)).toBe(false)
    // (n − 1)·G + G = ∞
    expect(add(jacobian(STARK_N - 1n), jacobian(1n)).z).toBe(0n)
  })

  it('behavior: hasAffineX compares without normalising', () => {
    expect(hasAffineX(jacobian(9n, 12345n), x(9n))).toBe(true)
    expect(hasAffineX(jacobian(9n, 12345n), x(10n))).toBe(false)
  })

  it('behavior: toAffineTable normalises every point', () => {
    const table = toAffineTable([jacobian(2n, 3n), jacobian(3n, 5n), jacobian(4n, 1n)])
    expect(table).toEqual([2n, 3n, 4n].flatMap((k) => Object.values(G.multiply(k).toAffine())))
  })

  it.each([4, 5, 8])(
    'behavior: %i-bit window tables give @scure/starknet’s multiples for random, small and boundary scalars',
    (width) => {
      const { x: qx, y: qy } = G.multiply(0xabcdefn).toAffine()
      const Q = G.multiply(0xabcdefn)
      const table = windowTable(qx, qy, width, 252)
      const boundary = fc.constantFrom(
        1n,
        7n,
        8n,
        9n,
        15n,
        16n,
        17n,
        0x80n,
        0x81n,
        0xffn,
        0x100n,
        STARK_N - 1n,
        (1n << 252n) - 1n,
      )
      fc.assert(
        fc.property(fc.oneof(scalar, boundary), (k) => {
          const product = Q.multiplyUnsafe(xOf(k))
          const shifted = G.multiply(3n).add(product).toAffine().x
          return (
            affineX(addWindowedMultiple(INFINITY, table, k)) === product.toAffine().x &&
            affineX(addWindowedMultiple(jacobian(3n), table, k)) === shifted
          )
        }),
        { numRuns: 40 },
      )
      expect(addWindowedMultiple(INFINITY, table, 0n)).toBe(INFINITY)
    },
  )

  it('behavior: invertModulo equals @noble’s invert mod P and mod n, negative, small and boundary values included', () => {
    const value = fc.oneof(
      fc.bigInt({ min: 1n, max: STARK_P - 1n }),
      fc.bigInt({ min: 1n, max: 2n ** 60n }),
      fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }),
      fc.constantFrom(1n, 2n, STARK_N - 1n, STARK_P - 1n, STARK_P - 2n),
    )
    fc.assert(
      fc.property(value, fc.constantFrom(STARK_P, STARK_N), (a, m) => {
        if (((a % m) + m) % m === 0n) return true
        return invertModulo(a, m) === invert(a, m)
      }),
      { numRuns: 3000 },
    )
    expect(() => invertModulo(0n, STARK_P)).toThrow(RangeError)
    expect(() => invertModulo(STARK_N, STARK_N)).toThrow(RangeError)
  })
})
