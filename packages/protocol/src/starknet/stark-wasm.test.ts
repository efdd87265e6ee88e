import { Point } from '@scure/starknet'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { STARK_P } from './felt.js'
import { STARK_N } from './stark-curve.js'
import { windowTable } from './stark-point-arithmetic.js'
import { FIELD_BYTES, POINT_BYTES, starkWasm, TABLE_POINT_BYTES, WORDS_BYTES } from './stark-wasm.js'

const P = STARK_P
const wasm = starkWasm()
const e = wasm.exports
const mod = (v: bigint) => ((v % P) + P) % P

const words = wasm.allocate(WORDS_BYTES)
const [fa, fb, fc2] = [wasm.allocate(FIELD_BYTES), wasm.allocate(FIELD_BYTES), wasm.allocate(FIELD_BYTES)]
/** Enters a field element (any integer below 2^256) into `at`. */
const enter = (at: number, value: bigint) => {
  wasm.writeWords(words, value)
  e.fromWords(at, words)
}
const leave = (at: number): bigint => {
  e.toWords(words, at)
  return wasm.readWords(words)
}

const BOUNDARIES = [
  0n,
  1n,
  2n,
  P - 1n,
  P,
  P + 1n,
  2n * P - 1n,
  2n ** 251n,
  2n ** 252n,
  2n ** 256n - 1n,
  2n ** 29n,
]
const element = fc.oneof(
  fc.bigInt({ min: 0n, max: P - 1n }),
  fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
  fc.bigInt({ min: 0n, max: 2n ** 40n }),
  fc.constantFrom(...BOUNDARIES),
)

describe('stark field in WebAssembly', () => {
  it('behavior: words round-trip, and entering reduces values ≥ P (up to 2^256)', () => {
    fc.assert(
      fc.property(element, (a) => {
        enter(fa, a)
        return leave(fa) === mod(a)
      }),
      { numRuns: 2000 },
    )
  })

  it('behavior: mul, sqr, add, sub equal BigInt arithmetic mod P, chained (results fed back in)', () => {
    fc.assert(
      fc.property(element, element, (a, b) => {
        enter(fa, a)
        enter(fb, b)
        e.mul(fc2, fa, fb)
        if (leave(fc2) !== mod(a * b)) return false
        e.sqr(fc2, fa)
        if (leave(fc2) !== mod(a * a)) return false
        e.add(fc2, fa, fb)
        if (leave(fc2) !== mod(a + b)) return false
        e.sub(fc2, fa, fb)
        if (leave(fc2) !== mod(a - b)) return false
        // Outputs are only almost reduced: feed them back in.
        e.sub(fc2, fc2, fa)
        e.mul(fc2, fc2, fc2)
        e.add(fc2, fc2, fc2)
        return leave(fc2) === mod(2n * b * b) && (e.equal(fa, fb) === 1) === (mod(a) === mod(b))
      }),
      { numRuns: 3000 },
    )
  })

  it('behavior: long chains stay exact (values never leave their bounds)', () => {
    let reference = 3n
    enter(fa, reference)
    for (let i = 0; i < 2000; i++) {
      e.sqr(fa, fa)
      e.sub(fa, fa, fa) // 0 in the lazy range
      enter(fb, BigInt(i))
      e.add(fa, fa, fb)
      e.mul(fa, fa, fa)
      reference = mod(BigInt(i) * BigInt(i))
      if (leave(fa) !== reference) throw new Error(`chain broke at ${i}`)
    }
    expect(leave(fa)).toBe(reference)
  })

  it('behavior: invert gives a⁻¹ (and isZero sees 0 and P alike)', () => {
    fc.assert(
      fc.property(element, (a) => {
        if (mod(a) === 0n) return true
        enter(fa, a)
        e.invert(fb, fa)
        e.mul(fc2, fa, fb)
        return leave(fc2) === 1n && e.isZero(fc2) === 0
      }),
      { numRuns: 300 },
    )
    enter(fa, P)
    expect(e.isZero(fa)).toBe(1)
    enter(fa, 0n)
    expect(e.isZero(fa)).toBe(1)
    e.sub(fb, fa, fa)
    expect(e.isZero(fb)).toBe(1)
  })
})

const G = Point.BASE
const scalar = fc.bigInt({ min: 1n, max: STARK_N - 1n })
const reduceN = (k: bigint) => ((k % STARK_N) + STARK_N) % STARK_N
const xOf = (k: bigint): bigint | null => (reduceN(k) === 0n ? null : G.multiply(reduceN(k)).toAffine().x)

const pointWords = wasm.allocate(64)
const [p1, p2] = [wasm.allocate(POINT_BYTES), wasm.allocate(POINT_BYTES)]
const tablePoint = wasm.allocate(TABLE_POINT_BYTES)
/** k·G into `at`, in Jacobian coordinates with Z ≠ 1 (doubling an affine (k/2)·G when k is even). */
const load = (at: number, k: bigint) => {
  const half = reduceN(k) % 2n === 0n
  const { x, y } = G.multiply(half ? reduceN(k) / 2n : reduceN(k)).toAffine()
  wasm.writeWords(pointWords, x)
  wasm.writeWords(pointWords + 32, y)
  e.setAffine(at, pointWords)
  if (half) e.double(at)
}
const loadTablePoint = (k: bigint) => {
  const { x, y } = G.multiply(k).toAffine()
  wasm.writeWords(pointWords, x)
  wasm.writeWords(pointWords + 32, y)
  e.importTable(tablePoint, pointWords, 1)
}
const x = (at: number): bigint | null => {
  if (e.isZero(at + 2 * FIELD_BYTES)) return null
  e.affineX(words, at)
  return wasm.readWords(words)
}

describe('stark curve in WebAssembly', () => {
  it('behavior: addAffine (±), addJacobian (±) and double equal @scure/starknet on random points', () => {
    fc.assert(
      fc.property(scalar, scalar, (a, b) => {
        load(p1, a)
        load(p2, b)
        e.addJacobian(p1, p2, 0)
        if (x(p1) !== xOf(a + b)) return false
        load(p1, a)
        e.addJacobian(p1, p2, 1)
        if (x(p1) !== xOf(a - b)) return false
        loadTablePoint(b)
        load(p1, a)
        e.addAffine(p1, tablePoint, 0)
        if (x(p1) !== xOf(a + b)) return false
        load(p1, a)
        e.addAffine(p1, tablePoint, 1)
        if (x(p1) !== xOf(a - b)) return false
        load(p1, a)
        e.double(p1)
        return x(p1) === xOf(2n * a)
      }),
      { numRuns: 40 },
    )
  })

  it('behavior: the exceptional cases: P + P doubles, P − P and anything with ∞', () => {
    loadTablePoint(5n)
    load(p1, 10n)
    e.double(p1) // Z ≠ 1
    load(p2, 20n)
    e.addJacobian(p1, p2, 0)
    expect(x(p1)).toBe(xOf(40n))
    load(p1, 5n)
    e.addAffine(p1, tablePoint, 0)
    expect(x(p1)).toBe(xOf(10n))
    load(p1, 5n)
    e.addAffine(p1, tablePoint, 1)
    expect(x(p1)).toBeNull()
    load(p1, 6n)
    e.addJacobian(p1, p1, 1)
    expect(x(p1)).toBeNull()
    e.setInfinity(p1)
    e.addAffine(p1, tablePoint, 1)
    expect(x(p1)).toBe(xOf(5n))
    e.setInfinity(p1)
    load(p2, 7n)
    e.addJacobian(p1, p2, 0)
    expect(x(p1)).toBe(xOf(7n))
    e.setInfinity(p2)
    e.addJacobian(p1, p2, 0)
    expect(x(p1)).toBe(xOf(7n))
    e.double(p2)
    expect(x(p2)).toBeNull()
    expect(e.hasAffineX(p2, words)).toBe(0)
    load(p1, STARK_N - 1n)
    load(p2, 1n)
    e.addJacobian(p1, p2, 0)
    expect(x(p1)).toBeNull()
  })

  it('behavior: hasAffineX compares X = x·Z² without normalising', () => {
    load(p1, 18n)
    wasm.writeWords(words, xOf(18n)!)
    expect(e.hasAffineX(p1, words)).toBe(1)
    wasm.writeWords(words, xOf(19n)!)
    expect(e.hasAffineX(p1, words)).toBe(0)
  })

  it.each([4, 5, 8])(
    'behavior: %i-bit window tables equal the BigInt reference’s, and walks give @scure/starknet’s multiples',
    (width) => {
      const Q = G.multiply(0xabcdefn)
      const { x: qx, y: qy } = Q.toAffine()
      const table = wasm.buildTable(qx, qy, width, 252)
      // Point for point the BigInt reference's table.
      const reference = windowTable(qx, qy, width, 252).points
      expect(reference.length).toBe(2 * table.windows * 2 ** (width - 1))
      reference.forEach((coordinate, i) => {
        e.toWords(words, table.at + i * FIELD_BYTES)
        if (wasm.readWords(words) !== coordinate) throw new Error(`table coordinate ${i} differs`)
      })
      const scalarWords = wasm.allocate(WORDS_BYTES)
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
      )
      fc.assert(
        fc.property(fc.oneof(scalar, boundary), (k) => {
          wasm.writeWords(scalarWords, k)
          e.setInfinity(p1)
          e.walk(p1, table.at, table.width, table.windows, scalarWords, 0, 252)
          const product = Q.multiplyUnsafe(k)
          if (x(p1) !== product.toAffine().x) return false
          load(p1, 3n)
          e.walk(p1, table.at, table.width, table.windows, scalarWords, 0, 252)
          return x(p1) === G.multiply(3n).add(product).toAffine().x
        }),
        { numRuns: 30 },
      )
      // Bits outside [from, to) are not read.
      wasm.writeWords(scalarWords, (1n << 255n) | (1n << 102n) | (5n << 99n) | 3n)
      e.setInfinity(p1)
      e.walk(p1, table.at, table.width, Math.ceil(101 / width) + 1, scalarWords, 2, 102)
      expect(x(p1)).toBe(Q.multiply(5n << 97n).toAffine().x)
      wasm.writeWords(scalarWords, 0n)
      e.setInfinity(p1)
      e.walk(p1, table.at, table.width, table.windows, scalarWords, 0, 252)
      expect(x(p1)).toBeNull()
    },
  )
})
