/**
 * Point arithmetic on the Stark curve (y² = x³ + x + β mod P) in Jacobian coordinates, with
 * mixed additions against affine table points: the inner loop of Pedersen and of Stark ECDSA
 * verification.
 *
 * Hand-written because the libraries' points are generic: @noble/curves (under @scure/starknet)
 * uses complete projective formulas, about 25 BigInt multiplications and reductions per addition
 * whatever the operands, and neither it nor starknet.js exposes a mixed addition against a
 * normalised point. A Jacobian + affine addition needs 11 (8M + 3S), so the same table walks cost
 * about a third. Variable time on purpose: every input here is public (hashes, signatures, keys).
 * Every result is pinned to @scure/starknet by property tests (pedersen.test.ts,
 * verify-stark-signature.test.ts, stark-point-arithmetic.test.ts), exceptional cases included.
 */
import { invert } from '@noble/curves/abstract/modular.js'
import { STARK_P as P } from './felt.js'

/** The curve's β (a = 1). */
export const STARK_BETA = 3141592653589793238462643383279502884197169399375105820974944592307816406665n

/** A point in Jacobian coordinates: (x, y) = (X/Z², Y/Z³); Z = 0 is the point at infinity. */
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

const sub = (a: bigint, b: bigint): bigint => {
  const d = a - b
  return d < 0n ? d + P : d
}

/** 2·p. */
export function double(p: JacobianPoint): JacobianPoint {
  const { x, y, z } = p
  if (z === 0n || y === 0n) return INFINITY
  const yy = (y * y) % P
  const zz = (z * z) % P
  const s = (4n * x * yy) % P
  // M = 3X² + a·Z⁴ with a = 1.
  const m = (3n * x * x + zz * zz) % P
  const x3 = sub((m * m) % P, (2n * s) % P)
  const y3 = sub((m * sub(s, x3)) % P, (8n * yy * yy) % P)
  const z3 = (2n * y * z) % P
  return { x: x3, y: y3, z: z3 }
}

/** p + (x2, y2), the second point affine (madd-2004-hmv, with its exceptional cases handled). */
export function addAffine(p: JacobianPoint, x2: bigint, y2: bigint): JacobianPoint {
  const { x, y, z } = p
  if (z === 0n) return { x: x2, y: y2, z: 1n }
  const zz = (z * z) % P
  const h = sub((zz * x2) % P, x)
  const r = sub((((zz * z) % P) * y2) % P, y)
  if (h === 0n) return r === 0n ? double(p) : INFINITY
  const hh = (h * h) % P
  const hhh = (hh * h) % P
  const v = (hh * x) % P
  const x3 = sub(sub((r * r) % P, hhh), (2n * v) % P)
  const y3 = sub((r * sub(v, x3)) % P, (hhh * y) % P)
  return { x: x3, y: y3, z: (z * h) % P }
}

/** p + q, both Jacobian. */
export function add(p: JacobianPoint, q: JacobianPoint): JacobianPoint {
  if (p.z === 0n) return q
  if (q.z === 0n) return p
  const z1z1 = (p.z * p.z) % P
  const z2z2 = (q.z * q.z) % P
  const u1 = (p.x * z2z2) % P
  const u2 = (q.x * z1z1) % P
  const s1 = (((p.y * q.z) % P) * z2z2) % P
  const s2 = (((q.y * p.z) % P) * z1z1) % P
  const h = sub(u2, u1)
  const r = sub(s2, s1)
  if (h === 0n) return r === 0n ? double(p) : INFINITY
  const hh = (h * h) % P
  const hhh = (hh * h) % P
  const v = (u1 * hh) % P
  const x3 = sub(sub((r * r) % P, hhh), (2n * v) % P)
  const y3 = sub((r * sub(v, x3)) % P, (s1 * hhh) % P)
  return { x: x3, y: y3, z: (((p.z * q.z) % P) * h) % P }
}

/** −p. */
export const negate = (p: JacobianPoint): JacobianPoint => ({ x: p.x, y: p.y === 0n ? 0n : P - p.y, z: p.z })

/** The affine x-coordinate; `null` for the point at infinity. */
export function affineX(p: JacobianPoint): bigint | null {
  if (p.z === 0n) return null
  const zInverse = invert(p.z, P)
  return (p.x * ((zInverse * zInverse) % P)) % P
}

/**
 * Whether p's affine x equals `x` (a field element), without an inversion: X = x·Z².
 * False for the point at infinity.
 */
export function hasAffineX(p: JacobianPoint, x: bigint): boolean {
  return p.z !== 0n && p.x === (((p.z * p.z) % P) * x) % P
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
  let inverse = invert(acc, P)
  const table: AffineTable = new Array(points.length * 2)
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!
    const zInverse = (inverse * prefix[i]!) % P
    inverse = (inverse * p.z) % P
    const zz = (zInverse * zInverse) % P
    table[2 * i] = (p.x * zz) % P
    table[2 * i + 1] = (((p.y * zz) % P) * zInverse) % P
  }
  return table
}

/**
 * Unsigned byte tables for a fixed base B: window i holds d·256^i·B for d = 1..255, so k·B for a
 * k of `windows` bytes is one mixed addition per non-zero byte.
 */
export function byteTables(x: bigint, y: bigint, windows: number): AffineTable[] {
  const points: JacobianPoint[] = []
  let unit: JacobianPoint = { x, y, z: 1n }
  for (let i = 0; i < windows; i++) {
    let multiple = unit
    points.push(multiple)
    for (let d = 2; d <= 255; d++) {
      multiple = add(multiple, unit)
      points.push(multiple)
    }
    unit = add(multiple, unit) // 256 · unit
  }
  const flat = toAffineTable(points)
  return Array.from({ length: windows }, (_, i) => flat.slice(i * 510, (i + 1) * 510))
}

/** acc + k·B over B's byte tables; k must fit in the tables' windows. */
export function addByteMultiple(
  acc: JacobianPoint,
  tables: readonly AffineTable[],
  k: bigint,
): JacobianPoint {
  let point = acc
  let rest = k
  for (let i = 0; rest > 0n; i++, rest >>= 8n) {
    const digit = Number(rest & 0xffn)
    if (digit !== 0) {
      const table = tables[i]!
      point = addAffine(point, table[2 * digit - 2]!, table[2 * digit - 1]!)
    }
  }
  return point
}

/** Radix-16 signed digits: 64 windows of ±1..8 multiples cover any scalar below 2^252. */
const SIGNED_WINDOWS = 64
const SIGNED_MULTIPLES = 8

/**
 * A per-point table for signed radix-16 digits: window i holds j·16^i·Q for j = 1..8 (512 affine
 * points, about 60 kB), so k·Q for k < 2^252 costs at most 64 mixed additions and no doubling.
 */
export function signedNibbleTable(x: bigint, y: bigint): AffineTable {
  const points: JacobianPoint[] = []
  let unit: JacobianPoint = { x, y, z: 1n }
  for (let i = 0; i < SIGNED_WINDOWS; i++) {
    let multiple = unit
    points.push(multiple)
    for (let j = 2; j <= SIGNED_MULTIPLES; j++) {
      multiple = add(multiple, unit)
      points.push(multiple)
    }
    unit = double(multiple) // 16 · unit
  }
  return toAffineTable(points)
}

/** acc + k·Q over Q's {@link signedNibbleTable}; 0 ≤ k < 2^252. */
export function addSignedNibbleMultiple(acc: JacobianPoint, table: AffineTable, k: bigint): JacobianPoint {
  let point = acc
  let rest = k
  let carry = 0
  for (let i = 0; rest > 0n || carry !== 0; i++, rest >>= 4n) {
    let digit = Number(rest & 0xfn) + carry
    carry = 0
    if (digit >= SIGNED_MULTIPLES) {
      digit -= 16
      carry = 1
    }
    if (digit > 0) {
      const at = (i * SIGNED_MULTIPLES + digit - 1) * 2
      point = addAffine(point, table[at]!, table[at + 1]!)
    } else if (digit < 0) {
      const at = (i * SIGNED_MULTIPLES - digit - 1) * 2
      point = addAffine(point, table[at]!, P - table[at + 1]!)
    }
  }
  return point
}
