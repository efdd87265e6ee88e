/**
 * Point arithmetic on the Stark curve (y² = x³ + x + β mod P) in Jacobian coordinates on BigInt,
 * with mixed additions against affine table points. The hot paths now run the same formulas in
 * WebAssembly (stark-wasm.ts, 6x faster); this module stays as their readable reference: the
 * module's tables are tested point for point against {@link windowTable}, and both against
 * @scure/starknet. {@link invertModulo} is still used as is (s⁻¹ mod n in verification).
 *
 * Hand-written because the libraries' points are generic: @noble/curves (under @scure/starknet)
 * uses complete projective formulas, about 25 BigInt multiplications and reductions per addition
 * whatever the operands, and neither it nor starknet.js exposes a mixed addition against a
 * normalised point. A Jacobian + affine addition needs 11 (8M + 3S). Variable time on purpose:
 * every input here is public (hashes, signatures, keys). Every result is pinned to
 * @scure/starknet by property tests (stark-point-arithmetic.test.ts), exceptional cases included.
 */
import { STARK_P as P } from './felt.js'

/** The curve's β (a = 1). */
export const STARK_BETA = 3141592653589793238462643383279502884197169399375105820974944592307816406665n

/**
 * A point in Jacobian coordinates: (x, y) = (X/Z², Y/Z³); Z = 0 is the point at infinity.
 * Coordinates are "signed residues" in (−P, P): JavaScript's `%` keeps the dividend's sign, and
 * leaving it there saves a comparison and an addition per reduction (BigInt operations, not bits,
 * are what costs here). Anything leaving this module as a number is made canonical.
 */
export interface JacobianPoint {
  readonly x: bigint
  readonly y: bigint
  readonly z: bigint
}

export const INFINITY: JacobianPoint = { x: 1n, y: 1n, z: 0n }

/**
 * A table of affine points, flattened: point k is (xs[2k], xs[2k + 1]). Flat bigint arrays hold
 * the per-key tables in about half the memory of one object per point.
 */
export type AffineTable = bigint[]

const canonical = (value: bigint): bigint => (value < 0n ? value + P : value)

/** 2·p (dbl-2007-bl with a = 1). */
export function double(p: JacobianPoint): JacobianPoint {
  const { x, y, z } = p
  if (z === 0n || y === 0n) return INFINITY
  const yy = (y * y) % P
  const zz = (z * z) % P
  const s = ((x * yy) << 2n) % P
  const m = (3n * x * x + zz * zz) % P
  const x3 = (m * m - (s << 1n)) % P
  const y3 = (m * (s - x3) - ((yy * yy) << 3n)) % P
  return { x: x3, y: y3, z: ((y * z) << 1n) % P }
}

/** p + (x2, y2), the second point affine (madd-2004-hmv, with its exceptional cases handled). */
export function addAffine(p: JacobianPoint, x2: bigint, y2: bigint): JacobianPoint {
  const { x, y, z } = p
  if (z === 0n) return { x: x2, y: y2, z: 1n }
  const zz = (z * z) % P
  const h = (zz * x2 - x) % P
  const r = (((zz * z) % P) * y2 - y) % P
  if (h === 0n) return r === 0n ? double(p) : INFINITY
  const hh = (h * h) % P
  const hhh = (hh * h) % P
  const v = (hh * x) % P
  const x3 = (r * r - hhh - (v << 1n)) % P
  const y3 = (r * (v - x3) - hhh * y) % P
  return { x: x3, y: y3, z: (z * h) % P }
}

/** p + q, both Jacobian (add-2007-bl's plain form). */
export function add(p: JacobianPoint, q: JacobianPoint): JacobianPoint {
  if (p.z === 0n) return q
  if (q.z === 0n) return p
  const z1z1 = (p.z * p.z) % P
  const z2z2 = (q.z * q.z) % P
  const u1 = (p.x * z2z2) % P
  const s1 = (((p.y * q.z) % P) * z2z2) % P
  const h = (q.x * z1z1 - u1) % P
  const r = (((q.y * p.z) % P) * z1z1 - s1) % P
  if (h === 0n) return r === 0n ? double(p) : INFINITY
  const hh = (h * h) % P
  const hhh = (hh * h) % P
  const v = (u1 * hh) % P
  const x3 = (r * r - hhh - (v << 1n)) % P
  const y3 = (r * (v - x3) - s1 * hhh) % P
  return { x: x3, y: y3, z: (((p.z * q.z) % P) * h) % P }
}

/** −p. */
export const negate = (p: JacobianPoint): JacobianPoint => ({ x: p.x, y: -p.y, z: p.z })

/** Leading digits Lehmer's inner loop works on: products stay exact in a double (< 2^53). */
const LEHMER_BITS = 48

/**
 * a⁻¹ mod m for an odd prime m (P or n) and a ≢ 0: the extended Euclidean algorithm with Lehmer's
 * speed-up. Runs of quotients are found from the leading 48 bits in floating point (Collins'
 * test keeps only quotients the full numbers agree on), then applied to the BigInts as one 2×2
 * matrix: about a quarter of the BigInt operations of the plain algorithm (@noble's `invert`,
 * which a property test pins this to). Inversions are a sixth of a Paradex verification.
 */
export function invertModulo(a: bigint, m: bigint): bigint {
  let r0 = m
  let r1 = ((a % m) + m) % m
  if (r1 === 0n) throw new RangeError('invertModulo: zero has no inverse')
  let t0 = 0n
  let t1 = 1n
  while (r1 !== 0n) {
    // Hex length over-counts by < 4 bits, so the leading digits stay below 2^48.
    const shift = BigInt(Math.max(0, r0.toString(16).length * 4 - LEHMER_BITS))
    let x = Number(r0 >> shift)
    let y = Number(r1 >> shift)
    let A = 1
    let B = 0
    let C = 0
    let D = 1
    while (y + C !== 0 && y + D !== 0) {
      const q = Math.floor((x + A) / (y + C))
      if (q !== Math.floor((x + B) / (y + D))) break
      ;[A, C] = [C, A - q * C]
      ;[B, D] = [D, B - q * D]
      ;[x, y] = [y, x - q * y]
    }
    if (B === 0) {
      // No quotient was certain from the leading digits: one plain step.
      const q = r0 / r1
      ;[r0, r1] = [r1, r0 - q * r1]
      ;[t0, t1] = [t1, t0 - q * t1]
    } else {
      const [a1, b1, c1, d1] = [BigInt(A), BigInt(B), BigInt(C), BigInt(D)]
      ;[r0, r1] = [a1 * r0 + b1 * r1, c1 * r0 + d1 * r1]
      ;[t0, t1] = [a1 * t0 + b1 * t1, c1 * t0 + d1 * t1]
    }
  }
  if (r0 !== 1n) throw new RangeError('invertModulo: not invertible')
  return ((t0 % m) + m) % m
}

/** The affine x-coordinate in [0, P); `null` for the point at infinity. */
export function affineX(p: JacobianPoint): bigint | null {
  if (p.z === 0n) return null
  const zInverse = invertModulo(p.z, P)
  return canonical((p.x * ((zInverse * zInverse) % P)) % P)
}

/**
 * Whether p's affine x equals `x` (a field element), without an inversion: X = x·Z².
 * False for the point at infinity.
 */
export function hasAffineX(p: JacobianPoint, x: bigint): boolean {
  return p.z !== 0n && (p.x - ((p.z * p.z) % P) * x) % P === 0n
}

/**
 * Normalises many points with one inversion (Montgomery's trick). None may be infinity: table
 * points never are (multiples k·B with 0 < k < n of a point B of prime order n).
 */
export function toAffineTable(points: readonly JacobianPoint[]): AffineTable {
  const prefix: bigint[] = new Array(points.length)
  let acc = 1n
  for (let i = 0; i < points.length; i++) {
    const z = points[i]!.z
    if (z === 0n) throw new Error('unreachable: a table point is at infinity')
    prefix[i] = acc
    acc = (acc * z) % P
  }
  let inverse = invertModulo(acc, P)
  // Table coordinates are canonical: they are also exported as plain numbers (x, y).
  const table: AffineTable = new Array(points.length * 2)
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!
    const zInverse = (inverse * prefix[i]!) % P
    inverse = (inverse * p.z) % P
    const zz = (zInverse * zInverse) % P
    table[2 * i] = canonical((p.x * zz) % P)
    table[2 * i + 1] = canonical((((p.y * zz) % P) * zInverse) % P)
  }
  return table
}

/**
 * Fixed-base tables for signed windows of `width` bits: window i holds j·2^(width·i)·B for
 * j = 1..2^(width−1), enough for any k below 2^bits ({@link addWindowedMultiple}); a digit's sign
 * is the table point's y negated, which costs nothing. Wider windows mean fewer additions per
 * multiple (⌈(bits + 1) / width⌉ at most) for tables 2^(width−1) points longer per window.
 */
export interface WindowTable {
  readonly width: number
  readonly points: AffineTable
}

export function windowTable(x: bigint, y: bigint, width: number, bits: number): WindowTable {
  const windows = Math.ceil((bits + 1) / width)
  const half = 2 ** (width - 1)
  const points: JacobianPoint[] = []
  let unit: JacobianPoint = { x, y, z: 1n }
  for (let i = 0; i < windows; i++) {
    // The window's unit, normalised once so that its multiples are mixed additions.
    const table = toAffineTable([unit])
    const ux = table[0]!
    const uy = table[1]!
    let multiple: JacobianPoint = { x: ux, y: uy, z: 1n }
    points.push(multiple)
    for (let j = 2; j <= half; j++) {
      multiple = addAffine(multiple, ux, uy)
      points.push(multiple)
    }
    unit = double(multiple) // 2^width · unit
  }
  return { width, points: toAffineTable(points) }
}

/**
 * acc + k·B over B's {@link windowTable}, for 0 ≤ k < 2^bits of the table: one mixed addition per
 * non-zero signed digit, no doubling.
 */
export function addWindowedMultiple(acc: JacobianPoint, table: WindowTable, k: bigint): JacobianPoint {
  const { width, points } = table
  const half = 2 ** (width - 1)
  const full = 2 * half
  const mask = BigInt(full - 1)
  const shift = BigInt(width)
  let point = acc
  let rest = k
  let carry = 0
  for (let i = 0; rest > 0n || carry !== 0; i++, rest >>= shift) {
    let digit = Number(rest & mask) + carry
    carry = 0
    if (digit > half) {
      digit -= full
      carry = 1
    }
    if (digit > 0) {
      const at = (i * half + digit - 1) * 2
      point = addAffine(point, points[at]!, points[at + 1]!)
    } else if (digit < 0) {
      const at = (i * half - digit - 1) * 2
      point = addAffine(point, points[at]!, -points[at + 1]!)
    }
  }
  return point
}
