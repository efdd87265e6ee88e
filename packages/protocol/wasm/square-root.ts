/**
 * Square roots in the Stark field (./field.ts), for decompressing x-only stark keys: Tonelli–
 * Shanks, since P − 1 = 2^192·Q (Q = 2^59 + 17) rules out the one-exponentiation formulas. The
 * 2-adicity makes it a few thousand squarings, which BigInt spent milliseconds on.
 */
import { copy, equal, isZero, mul, ONE, sqr, sqrTimes } from './field'

/** c = z^Q for the least non-residue z = 3, in Montgomery form. */
const C0: usize = memory.data<u32>([
  0x1457bae4, 0x6bccd64, 0x11df4a08, 0x895cc7f, 0xae9555b, 0x1be60505, 0xb951ae2, 0xb11ebf0, 0x445c6,
])
const TWO_ADICITY = 192

const C: usize = memory.data(36)
const T: usize = memory.data(36)
const R: usize = memory.data(36)
const B: usize = memory.data(36)

/**
 * out = a square root of a, returning true, or false when a is no square. Which of the two
 * roots comes out is unspecified.
 */
export function sqrt(out: usize, a: usize): bool {
  if (isZero(a)) {
    memory.fill(out, 0, 36)
    return true
  }
  // t = a^Q, r = a^((Q + 1)/2) = a^(2^58 + 9), c = z^Q; invariant r² = a·t.
  sqrTimes(R, a, 55)
  mul(R, R, a) // a^(2^55 + 1)
  sqrTimes(T, R, 4)
  mul(T, T, a) // a^(2^59 + 17)
  sqrTimes(R, R, 3)
  mul(R, R, a) // a^(2^58 + 9)
  copy(C, C0)
  let m = TWO_ADICITY
  while (!equal(T, ONE)) {
    // The least i with t^(2^i) = 1; i = m means t has order 2^m: a is no square.
    let i = 0
    copy(B, T)
    while (!equal(B, ONE)) {
      sqr(B, B)
      i++
      if (i >= m) return false
    }
    // b = c^(2^(m − i − 1)); then r·b, t·b², c = b², m = i.
    copy(B, C)
    for (let k = 0; k < m - i - 1; k++) sqr(B, B)
    m = i
    sqr(C, B)
    mul(T, T, C)
    mul(R, R, B)
  }
  copy(out, R)
  return true
}
