/**
 * The Stark field (P = 2^251 + 17·2^192 + 1) for WebAssembly, in AssemblyScript: the inner loop of
 * Pedersen and of Stark ECDSA verification (see ../src/starknet/stark-wasm.ts for why it is
 * hand-written). Built by `npm run build:wasm` into ../src/starknet/stark-wasm-binary.ts.
 *
 * A field element is 9 limbs of 29 bits (one u32 each, least significant first) in Montgomery
 * form with R = 2^261. 29-bit limbs keep every column of a product below 2^62 in a u64 (nine
 * 58-bit products), so the multiplication needs no carry until its end. P ≡ 1 (mod 2^29), so
 * −P⁻¹ ≡ −1 and each Montgomery step is q = −t mod 2^29, and P has three non-zero limbs (1,
 * 17·2^18 in limb 6, 2^19 in limb 8): a reduction step is three multiply-adds.
 *
 * Values are kept "almost reduced", in [0, 2P): a product of two values below 16P is below 2P
 * (16²·P² / R < P / 2, as P < R / 512), additions and subtractions reduce back below 2P, and only comparisons and
 * outputs make a value canonical.
 */

const MASK: u64 = 0x1fffffff
const MASK_I: i64 = 0x1fffffff
const P6: u64 = 17 << 18
const P8: u64 = 1 << 19
const P6_I: i64 = 17 << 18

/** Bytes per field element. */
export const FIELD_BYTES: usize = 36

/** R mod P: one in Montgomery form. */
export const ONE: usize = memory.data<u32>([
  0x1ffffc01, 0x1fffffff, 0x1fffffff, 0x1fffffff, 0x1fffffff, 0x1fffffff, 0x1043ffff, 0x1ffffff7, 0x7ffff,
])
/** R² mod P: multiplying by it enters Montgomery form. */
const R2: usize = memory.data<u32>([
  0x100001, 0x1fae6fc0, 0x1fffffff, 0x9987f, 0x0, 0x1ffedf00, 0x43ffff, 0xf004400, 0x752ad,
])
/** The integer 1: multiplying by it leaves Montgomery form. */
const PLAIN_ONE: usize = memory.data<u32>([1, 0, 0, 0, 0, 0, 0, 0, 0])
const SCRATCH: usize = memory.data(36 * 4)

/**
 * Montgomery multiplication out = a·b/R for a, b below 16P (any of out, a, b may alias): the
 * 81 limb products by columns, then nine reduction steps, then one carry pass. The column sums
 * are written out rather than looped so that every limb stays in a local.
 */
export function mul(out: usize, a: usize, b: usize): void {
  const a0 = load<u32>(a, 0) as u64
  const a1 = load<u32>(a, 4) as u64
  const a2 = load<u32>(a, 8) as u64
  const a3 = load<u32>(a, 12) as u64
  const a4 = load<u32>(a, 16) as u64
  const a5 = load<u32>(a, 20) as u64
  const a6 = load<u32>(a, 24) as u64
  const a7 = load<u32>(a, 28) as u64
  const a8 = load<u32>(a, 32) as u64
  const b0 = load<u32>(b, 0) as u64
  const b1 = load<u32>(b, 4) as u64
  const b2 = load<u32>(b, 8) as u64
  const b3 = load<u32>(b, 12) as u64
  const b4 = load<u32>(b, 16) as u64
  const b5 = load<u32>(b, 20) as u64
  const b6 = load<u32>(b, 24) as u64
  const b7 = load<u32>(b, 28) as u64
  const b8 = load<u32>(b, 32) as u64
  const t0: u64 = a0 * b0
  let t1: u64 = a0 * b1 + a1 * b0
  let t2: u64 = a0 * b2 + a1 * b1 + a2 * b0
  let t3: u64 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0
  let t4: u64 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0
  let t5: u64 = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0
  let t6: u64 = a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0
  let t7: u64 = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0
  let t8: u64 = a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0
  let t9: u64 = a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1
  let t10: u64 = a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2
  let t11: u64 = a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3
  let t12: u64 = a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4
  let t13: u64 = a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5
  let t14: u64 = a6 * b8 + a7 * b7 + a8 * b6
  let t15: u64 = a7 * b8 + a8 * b7
  let t16: u64 = a8 * b8
  let t17: u64 = 0
  let q: u64
  q = (0 - t0) & MASK
  t1 += (t0 + q) >> 29
  t6 += q * P6
  t8 += q * P8
  q = (0 - t1) & MASK
  t2 += (t1 + q) >> 29
  t7 += q * P6
  t9 += q * P8
  q = (0 - t2) & MASK
  t3 += (t2 + q) >> 29
  t8 += q * P6
  t10 += q * P8
  q = (0 - t3) & MASK
  t4 += (t3 + q) >> 29
  t9 += q * P6
  t11 += q * P8
  q = (0 - t4) & MASK
  t5 += (t4 + q) >> 29
  t10 += q * P6
  t12 += q * P8
  q = (0 - t5) & MASK
  t6 += (t5 + q) >> 29
  t11 += q * P6
  t13 += q * P8
  q = (0 - t6) & MASK
  t7 += (t6 + q) >> 29
  t12 += q * P6
  t14 += q * P8
  q = (0 - t7) & MASK
  t8 += (t7 + q) >> 29
  t13 += q * P6
  t15 += q * P8
  q = (0 - t8) & MASK
  t9 += (t8 + q) >> 29
  t14 += q * P6
  t16 += q * P8
  t10 += t9 >> 29
  store<u32>(out, (t9 & MASK) as u32, 0)
  t11 += t10 >> 29
  store<u32>(out, (t10 & MASK) as u32, 4)
  t12 += t11 >> 29
  store<u32>(out, (t11 & MASK) as u32, 8)
  t13 += t12 >> 29
  store<u32>(out, (t12 & MASK) as u32, 12)
  t14 += t13 >> 29
  store<u32>(out, (t13 & MASK) as u32, 16)
  t15 += t14 >> 29
  store<u32>(out, (t14 & MASK) as u32, 20)
  t16 += t15 >> 29
  store<u32>(out, (t15 & MASK) as u32, 24)
  t17 += t16 >> 29
  store<u32>(out, (t16 & MASK) as u32, 28)
  store<u32>(out, t17 as u32, 32)
}

/** out = a²/R: {@link mul} with the 36 cross products doubled instead of computed twice. */
export function sqr(out: usize, a: usize): void {
  const a0 = load<u32>(a, 0) as u64
  const a1 = load<u32>(a, 4) as u64
  const a2 = load<u32>(a, 8) as u64
  const a3 = load<u32>(a, 12) as u64
  const a4 = load<u32>(a, 16) as u64
  const a5 = load<u32>(a, 20) as u64
  const a6 = load<u32>(a, 24) as u64
  const a7 = load<u32>(a, 28) as u64
  const a8 = load<u32>(a, 32) as u64
  const d0 = a0 << 1
  const d1 = a1 << 1
  const d2 = a2 << 1
  const d3 = a3 << 1
  const d4 = a4 << 1
  const d5 = a5 << 1
  const d6 = a6 << 1
  const d7 = a7 << 1
  const t0: u64 = a0 * a0
  let t1: u64 = d0 * a1
  let t2: u64 = d0 * a2 + a1 * a1
  let t3: u64 = d0 * a3 + d1 * a2
  let t4: u64 = d0 * a4 + d1 * a3 + a2 * a2
  let t5: u64 = d0 * a5 + d1 * a4 + d2 * a3
  let t6: u64 = d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3
  let t7: u64 = d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4
  let t8: u64 = d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4
  let t9: u64 = d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5
  let t10: u64 = d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5
  let t11: u64 = d3 * a8 + d4 * a7 + d5 * a6
  let t12: u64 = d4 * a8 + d5 * a7 + a6 * a6
  let t13: u64 = d5 * a8 + d6 * a7
  let t14: u64 = d6 * a8 + a7 * a7
  let t15: u64 = d7 * a8
  let t16: u64 = a8 * a8
  let t17: u64 = 0
  let q: u64
  q = (0 - t0) & MASK
  t1 += (t0 + q) >> 29
  t6 += q * P6
  t8 += q * P8
  q = (0 - t1) & MASK
  t2 += (t1 + q) >> 29
  t7 += q * P6
  t9 += q * P8
  q = (0 - t2) & MASK
  t3 += (t2 + q) >> 29
  t8 += q * P6
  t10 += q * P8
  q = (0 - t3) & MASK
  t4 += (t3 + q) >> 29
  t9 += q * P6
  t11 += q * P8
  q = (0 - t4) & MASK
  t5 += (t4 + q) >> 29
  t10 += q * P6
  t12 += q * P8
  q = (0 - t5) & MASK
  t6 += (t5 + q) >> 29
  t11 += q * P6
  t13 += q * P8
  q = (0 - t6) & MASK
  t7 += (t6 + q) >> 29
  t12 += q * P6
  t14 += q * P8
  q = (0 - t7) & MASK
  t8 += (t7 + q) >> 29
  t13 += q * P6
  t15 += q * P8
  q = (0 - t8) & MASK
  t9 += (t8 + q) >> 29
  t14 += q * P6
  t16 += q * P8
  t10 += t9 >> 29
  store<u32>(out, (t9 & MASK) as u32, 0)
  t11 += t10 >> 29
  store<u32>(out, (t10 & MASK) as u32, 4)
  t12 += t11 >> 29
  store<u32>(out, (t11 & MASK) as u32, 8)
  t13 += t12 >> 29
  store<u32>(out, (t12 & MASK) as u32, 12)
  t14 += t13 >> 29
  store<u32>(out, (t13 & MASK) as u32, 16)
  t15 += t14 >> 29
  store<u32>(out, (t14 & MASK) as u32, 20)
  t16 += t15 >> 29
  store<u32>(out, (t15 & MASK) as u32, 24)
  t17 += t16 >> 29
  store<u32>(out, (t16 & MASK) as u32, 28)
  store<u32>(out, t17 as u32, 32)
}

/**
 * Carries signed limbs through and stores a value in [0, 2P), given a value in [0, 2^261):
 * k = ⌊value / 2^251⌋ and subtracting (k − 1)·P leaves (P − k·(17·2^192 + 1), 2^251 + P).
 */
function reduceStore(
  out: usize,
  r0: i64,
  r1: i64,
  r2: i64,
  r3: i64,
  r4: i64,
  r5: i64,
  r6: i64,
  r7: i64,
  r8: i64,
): void {
  r1 += r0 >> 29
  r0 &= MASK_I
  r2 += r1 >> 29
  r1 &= MASK_I
  r3 += r2 >> 29
  r2 &= MASK_I
  r4 += r3 >> 29
  r3 &= MASK_I
  r5 += r4 >> 29
  r4 &= MASK_I
  r6 += r5 >> 29
  r5 &= MASK_I
  r7 += r6 >> 29
  r6 &= MASK_I
  r8 += r7 >> 29
  r7 &= MASK_I
  const k = r8 >> 19
  if (k > 1) {
    const m = k - 1
    r0 -= m
    r6 -= m * P6_I
    r8 -= m << 19
    r1 += r0 >> 29
    r0 &= MASK_I
    r2 += r1 >> 29
    r1 &= MASK_I
    r3 += r2 >> 29
    r2 &= MASK_I
    r4 += r3 >> 29
    r3 &= MASK_I
    r5 += r4 >> 29
    r4 &= MASK_I
    r6 += r5 >> 29
    r5 &= MASK_I
    r7 += r6 >> 29
    r6 &= MASK_I
    r8 += r7 >> 29
    r7 &= MASK_I
  }
  store<u32>(out, r0 as u32, 0)
  store<u32>(out, r1 as u32, 4)
  store<u32>(out, r2 as u32, 8)
  store<u32>(out, r3 as u32, 12)
  store<u32>(out, r4 as u32, 16)
  store<u32>(out, r5 as u32, 20)
  store<u32>(out, r6 as u32, 24)
  store<u32>(out, r7 as u32, 28)
  store<u32>(out, r8 as u32, 32)
}

function limb(a: usize, offset: usize): i64 {
  return load<u32>(a + offset) as i64
}

/** out = a + b (each below 2P). */
export function add(out: usize, a: usize, b: usize): void {
  reduceStore(
    out,
    limb(a, 0) + limb(b, 0),
    limb(a, 4) + limb(b, 4),
    limb(a, 8) + limb(b, 8),
    limb(a, 12) + limb(b, 12),
    limb(a, 16) + limb(b, 16),
    limb(a, 20) + limb(b, 20),
    limb(a, 24) + limb(b, 24),
    limb(a, 28) + limb(b, 28),
    limb(a, 32) + limb(b, 32),
  )
}

/** out = a − b + 4P (a below 2P, b below 4P), reduced. */
export function sub(out: usize, a: usize, b: usize): void {
  reduceStore(
    out,
    limb(a, 0) - limb(b, 0) + 4,
    limb(a, 4) - limb(b, 4),
    limb(a, 8) - limb(b, 8),
    limb(a, 12) - limb(b, 12),
    limb(a, 16) - limb(b, 16),
    limb(a, 20) - limb(b, 20),
    limb(a, 24) - limb(b, 24) + 4 * P6_I,
    limb(a, 28) - limb(b, 28),
    limb(a, 32) - limb(b, 32) + (4 << 19),
  )
}

/** out = k·a for a small k (k·2P below 2^261). */
export function mulSmall(out: usize, a: usize, k: i64): void {
  reduceStore(
    out,
    limb(a, 0) * k,
    limb(a, 4) * k,
    limb(a, 8) * k,
    limb(a, 12) * k,
    limb(a, 16) * k,
    limb(a, 20) * k,
    limb(a, 24) * k,
    limb(a, 28) * k,
    limb(a, 32) * k,
  )
}

export function copy(out: usize, a: usize): void {
  memory.copy(out, a, FIELD_BYTES)
}

/** Whether a (below 2P) is 0 mod P: its limbs are those of 0 or of P (limbs are unique). */
export function isZero(a: usize): bool {
  const middle = load<u32>(a, 4) | load<u32>(a, 8) | load<u32>(a, 12) | load<u32>(a, 16) | load<u32>(a, 20)
  if ((middle | load<u32>(a, 28)) !== 0) return false
  const low = load<u32>(a, 0)
  const l6 = load<u32>(a, 24)
  const l8 = load<u32>(a, 32)
  return (low | l6 | l8) === 0 || (low === 1 && l6 === (P6 as u32) && l8 === (P8 as u32))
}

/** Whether a ≡ b (mod P), both below 2P. */
export function equal(a: usize, b: usize): bool {
  sub(SCRATCH, a, b)
  return isZero(SCRATCH)
}

/**
 * Enters Montgomery form from a 256-bit integer given as eight little-endian u32 words (below
 * 32P, so the product with R² is below 2P).
 */
export function fromWords(out: usize, words: usize): void {
  for (let i: usize = 0; i < 8; i++) {
    const bit = i * 29
    const pair = load<u64>(words + ((bit >> 5) << 2))
    store<u32>(SCRATCH + (i << 2), ((pair >> (bit & 31)) & MASK) as u32)
  }
  // Bits 232..255 from the last word only: nothing beyond the eight words is read.
  store<u32>(SCRATCH, load<u32>(words, 28) >> 8, 32)
  mul(out, SCRATCH, R2)
}

/** Leaves Montgomery form: the canonical value of a, in [0, P), as eight u32 words. */
export function toWords(words: usize, a: usize): void {
  // a·1/R: below P + 1, and equal to P only for a ≡ 0.
  mul(SCRATCH, a, PLAIN_ONE)
  if (isZero(SCRATCH)) memory.fill(SCRATCH, 0, FIELD_BYTES)
  let acc: u64 = 0
  let bits: u32 = 0
  let word: usize = 0
  for (let i: usize = 0; i < 9; i++) {
    acc |= (load<u32>(SCRATCH + (i << 2)) as u64) << bits
    bits += 29
    if (bits >= 32) {
      store<u32>(words + (word << 2), acc as u32)
      word++
      acc >>= 32
      bits -= 32
    }
  }
}

/** out = a^(2^n) (n ≥ 1). */
export function sqrTimes(out: usize, a: usize, n: i32): void {
  sqr(out, a)
  for (let i = 1; i < n; i++) sqr(out, out)
}

const X64: usize = memory.data(36)
const TMP: usize = memory.data(36)

/**
 * out = a^(P − 2) = a⁻¹ for a ≢ 0 (Fermat): P − 2 = (2^59 + 16)·2^192 + (2^192 − 1), so an
 * addition chain of 314 squarings and 10 multiplications.
 */
export function invert(out: usize, a: usize): void {
  // X64 = a^(2^64 − 1), doubling the run of ones: 2^(2k) − 1 = (2^k − 1)·2^k + (2^k − 1).
  copy(X64, a)
  for (let k = 1; k < 64; k <<= 1) {
    sqrTimes(TMP, X64, k)
    mul(X64, TMP, X64)
  }
  // TMP = a^(2^59 + 16)
  sqrTimes(TMP, a, 55)
  mul(TMP, TMP, a)
  sqrTimes(TMP, TMP, 4)
  for (let i = 0; i < 3; i++) {
    sqrTimes(TMP, TMP, 64)
    mul(TMP, TMP, X64)
  }
  copy(out, TMP)
}
