/**
 * Stark curve points (y² = x³ + x + β) over ./field.ts, for WebAssembly: the same formulas as
 * ../src/starknet/stark-point-arithmetic.ts (Jacobian coordinates, mixed additions against
 * affine table points, signed-window table walks), with every coordinate in linear memory so
 * that a whole walk is one call. Variable time on purpose: every input is public.
 *
 * Layouts: a Jacobian point is X, Y, Z (3 × 36 bytes; Z = 0 is the point at infinity), a table
 * point is x, y (2 × 36 bytes), a scalar is eight little-endian u32 words followed by zeroes.
 */
import {
  add,
  copy,
  equal,
  FIELD_BYTES,
  fromWords,
  invert,
  isZero,
  mul,
  mulSmall,
  ONE,
  sqr,
  sub,
  toWords,
} from './field'

export { add, equal, fromWords, invert, isZero, mul, sqr, sub, toWords } from './field'
export { sqrt } from './square-root'

const Y: usize = FIELD_BYTES
const Z: usize = 2 * FIELD_BYTES
const POINT_BYTES: usize = 3 * FIELD_BYTES
const TABLE_POINT_BYTES: usize = 2 * FIELD_BYTES

const T0: usize = memory.data(36)
const T1: usize = memory.data(36)
const T2: usize = memory.data(36)
const T3: usize = memory.data(36)
const T4: usize = memory.data(36)
const T5: usize = memory.data(36)
const T6: usize = memory.data(36)
const T7: usize = memory.data(36)
const ZERO: usize = memory.data(36)
const OTHER: usize = memory.data(108)
const UNIT: usize = memory.data(108)
const PRODUCT: usize = memory.data(36)
const INVERSE: usize = memory.data(36)
const Z_INVERSE: usize = memory.data(36)
const Z_INVERSE_POWER: usize = memory.data(36)

export function setInfinity(p: usize): void {
  memory.copy(p, ONE, FIELD_BYTES)
  memory.copy(p + Y, ONE, FIELD_BYTES)
  memory.fill(p + Z, 0, FIELD_BYTES)
}

export function copyPoint(dst: usize, src: usize): void {
  memory.copy(dst, src, POINT_BYTES)
}

/** p = 2·p (dbl-2007-bl with a = 1). */
export function double(p: usize): void {
  if (isZero(p + Z) || isZero(p + Y)) {
    setInfinity(p)
    return
  }
  sqr(T0, p + Y) // yy
  sqr(T1, p + Z) // zz
  mul(T2, p, T0)
  mulSmall(T2, T2, 4) // s = 4·x·yy
  sqr(T3, p)
  mulSmall(T3, T3, 3)
  sqr(T4, T1)
  add(T3, T3, T4) // m = 3x² + zz²
  mul(T5, p + Y, p + Z)
  mulSmall(p + Z, T5, 2) // z3 = 2yz
  sqr(T4, T3)
  sub(T4, T4, T2)
  sub(p, T4, T2) // x3 = m² − 2s
  sub(T2, T2, p)
  mul(T2, T3, T2)
  sqr(T0, T0)
  mulSmall(T0, T0, 8)
  sub(p + Y, T2, T0) // y3 = m(s − x3) − 8yy²
}

/**
 * p = p + (x2, ±y2) for the table point q = (x2, y2), y2 negated when `negate` (madd-2004-hmv,
 * exceptional cases handled): 8 multiplications and 3 squarings.
 */
export function addAffine(p: usize, q: usize, negate: bool): void {
  if (isZero(p + Z)) {
    copy(p, q)
    if (negate) sub(p + Y, ZERO, q + Y)
    else copy(p + Y, q + Y)
    copy(p + Z, ONE)
    return
  }
  sqr(T0, p + Z) // zz
  mul(T1, T0, q)
  sub(T1, T1, p) // h = zz·x2 − x
  mul(T2, T0, p + Z)
  mul(T2, T2, q + Y) // zz·z·y2
  if (negate) {
    add(T2, T2, p + Y)
    sub(T2, ZERO, T2) // r = −zz·z·y2 − y
  } else {
    sub(T2, T2, p + Y) // r = zz·z·y2 − y
  }
  if (isZero(T1)) {
    if (isZero(T2)) double(p)
    else setInfinity(p)
    return
  }
  sqr(T3, T1) // hh
  mul(T4, T3, T1) // hhh
  mul(T5, T3, p) // v = hh·x
  mul(p + Z, p + Z, T1) // z3 = z·h
  sqr(T6, T2)
  sub(T6, T6, T4)
  sub(T6, T6, T5)
  sub(p, T6, T5) // x3 = r² − hhh − 2v
  sub(T5, T5, p)
  mul(T5, T2, T5)
  mul(T4, T4, p + Y)
  sub(p + Y, T5, T4) // y3 = r(v − x3) − hhh·y
}

/** p = p ± q, both Jacobian (add-2007-bl's plain form). */
export function addJacobian(p: usize, q: usize, negate: bool): void {
  copyPoint(OTHER, q)
  if (negate) sub(OTHER + Y, ZERO, q + Y)
  if (isZero(OTHER + Z)) return
  if (isZero(p + Z)) {
    copyPoint(p, OTHER)
    return
  }
  sqr(T0, p + Z) // z1z1
  sqr(T1, OTHER + Z) // z2z2
  mul(T2, p, T1) // u1
  mul(T3, p + Y, OTHER + Z)
  mul(T3, T3, T1) // s1
  mul(T4, OTHER, T0)
  sub(T4, T4, T2) // h
  mul(T5, OTHER + Y, p + Z)
  mul(T5, T5, T0)
  sub(T5, T5, T3) // r
  if (isZero(T4)) {
    if (isZero(T5)) double(p)
    else setInfinity(p)
    return
  }
  sqr(T6, T4) // hh
  mul(T7, T6, T4) // hhh
  mul(T6, T2, T6) // v = u1·hh
  mul(p + Z, p + Z, OTHER + Z)
  mul(p + Z, p + Z, T4) // z3 = z1·z2·h
  sqr(T0, T5)
  sub(T0, T0, T7)
  sub(T0, T0, T6)
  sub(p, T0, T6) // x3 = r² − hhh − 2v
  sub(T6, T6, p)
  mul(T6, T5, T6)
  mul(T7, T3, T7)
  sub(p + Y, T6, T7) // y3 = r(v − x3) − s1·hhh
}

/**
 * p = p + k·B over B's signed-window table (`width`-bit windows, window i holding
 * j·2^(width·i)·B for j = 1..2^(width − 1)), k being bits [bitStart, bitEnd) of the scalar at
 * `scalar`: one mixed addition per non-zero digit, no doubling. `windows` must cover the digits
 * and the last carry: ⌈(bitEnd − bitStart + 1) / width⌉.
 */
export function walk(
  p: usize,
  table: usize,
  width: u32,
  windows: u32,
  scalar: usize,
  bitStart: u32,
  bitEnd: u32,
): void {
  const half: i32 = 1 << (width - 1)
  const full: i32 = half << 1
  const mask: u64 = (full as u64) - 1
  let carry: i32 = 0
  for (let i: u32 = 0; i < windows; i++) {
    const bit = bitStart + i * width
    let raw: i32 = 0
    if (bit < bitEnd) {
      const pair = load<u64>(scalar + ((bit >> 5) << 2))
      raw = ((pair >> (bit & 31)) & mask) as i32
      if (bit + width > bitEnd) raw &= (1 << (bitEnd - bit)) - 1
    }
    let digit = raw + carry
    carry = 0
    if (digit > half) {
      digit -= full
      carry = 1
    }
    if (digit > 0) {
      addAffine(p, table + ((i * half + digit - 1) as usize) * TABLE_POINT_BYTES, false)
    } else if (digit < 0) {
      addAffine(p, table + ((i * half - digit - 1) as usize) * TABLE_POINT_BYTES, true)
    }
  }
}

/** Whether p's affine x equals the field element given as words (X = x·Z²); false for infinity. */
export function hasAffineX(p: usize, xWords: usize): bool {
  if (isZero(p + Z)) return false
  fromWords(T0, xWords)
  sqr(T1, p + Z)
  mul(T1, T1, T0)
  return equal(p, T1)
}

/** p's affine x as eight u32 words; p must not be infinity. */
export function affineX(xWords: usize, p: usize): void {
  invert(T0, p + Z)
  sqr(T0, T0)
  mul(T0, p, T0)
  toWords(xWords, T0)
}

/** Stores `count` table points from pairs of 8-word integers (x, y) below P. */
export function importTable(table: usize, words: usize, count: u32): void {
  for (let i: usize = 0; i < (count as usize); i++) {
    fromWords(table + i * TABLE_POINT_BYTES, words + i * 64)
    fromWords(table + i * TABLE_POINT_BYTES + Y, words + i * 64 + 32)
  }
}

/** p = (x, y) from 8-word integers below P. */
export function setAffine(p: usize, words: usize): void {
  fromWords(p, words)
  fromWords(p + Y, words + 32)
  copy(p + Z, ONE)
}

/**
 * Builds B's signed-window table for {@link walk} at `table` from B = (x, y) given as 8-word
 * integers below P: window i holds j·2^(width·i)·B for j = 1..2^(width − 1). The multiples are
 * summed in Jacobian coordinates into `scratch` (room for windows·2^(width − 1) points and as many
 * field elements), then normalised with one inversion (Montgomery's trick). No table point is
 * at infinity: j·2^k·B with j ≤ 2^(width − 1) is not a multiple of the odd prime n.
 */
export function buildTable(table: usize, words: usize, width: u32, windows: u32, scratch: usize): void {
  const half = (1 as usize) << (width - 1)
  const count = (windows as usize) * half
  const prefix = scratch + count * POINT_BYTES
  setAffine(UNIT, words)
  for (let i: usize = 0; i < (windows as usize); i++) {
    const first = scratch + i * half * POINT_BYTES
    copyPoint(first, UNIT)
    for (let j: usize = 1; j < half; j++) {
      const at = first + j * POINT_BYTES
      copyPoint(at, at - POINT_BYTES)
      addJacobian(at, UNIT, false)
    }
    // The next window's unit: 2·(half·unit) = 2^width·unit.
    copyPoint(UNIT, first + (half - 1) * POINT_BYTES)
    double(UNIT)
  }
  copy(PRODUCT, ONE)
  for (let k: usize = 0; k < count; k++) {
    copy(prefix + k * FIELD_BYTES, PRODUCT)
    mul(PRODUCT, PRODUCT, scratch + k * POINT_BYTES + Z)
  }
  invert(INVERSE, PRODUCT)
  for (let k = count; k-- > 0; ) {
    const point = scratch + k * POINT_BYTES
    const out = table + k * TABLE_POINT_BYTES
    mul(Z_INVERSE, INVERSE, prefix + k * FIELD_BYTES)
    mul(INVERSE, INVERSE, point + Z)
    sqr(Z_INVERSE_POWER, Z_INVERSE)
    mul(out, point, Z_INVERSE_POWER)
    mul(Z_INVERSE_POWER, Z_INVERSE_POWER, Z_INVERSE)
    mul(out + Y, point + Y, Z_INVERSE_POWER)
  }
}

/** Where the memory after this module's static data starts. */
export function heapBase(): usize {
  return __heap_base
}
