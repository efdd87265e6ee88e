/**
 * StarkWare ECDSA verification over the Stark curve with an x-only public key ("stark key"), as
 * Paradex stores it (Paradex §2). StarkWare's rules on top of plain ECDSA: 1 ≤ r < 2^251,
 * 1 ≤ s < n, 1 ≤ w = s⁻¹ mod n < 2^251 and msgHash < 2^251. High-s is allowed: StarkWare's
 * signers emit both halves, and paradex-py's nonces differ from the JS libraries', so
 * signatures are only ever verified, never compared.
 */
import { Point } from '@scure/starknet'
import { ok, type Result, reject } from '../result.js'
import { createBoundedMemo } from './bounded-memo.js'
import { STARK_P } from './felt.js'
import { STARK_N, STARK_SIGNATURE_BOUND } from './stark-curve.js'
import { starkKeyY } from './stark-key-points.js'
import { invertModulo } from './stark-point-arithmetic.js'
import {
  POINT_BYTES,
  type StarkWasm,
  starkWasm,
  tableBytes,
  type WasmTable,
  WORDS_BYTES,
} from './stark-wasm.js'

/** A Stark signature as two scalars, e.g. from `parseParadexSignatureHeader`. */
export interface StarkSignature {
  readonly r: bigint
  readonly s: bigint
}

export interface VerifyStarkSignatureInput {
  /** The SNIP-12 message hash, e.g. from `paradexRequestHash`. */
  readonly msgHash: bigint
  readonly signature: StarkSignature
  /** The stark key: the x-coordinate of the public point only. */
  readonly publicKey: bigint
}

/**
 * Why a Stark signature was refused.
 * - `signature_malformed`: not two integers (a non-bigint from untyped input).
 * - `signature_invalid`: out of StarkWare's ranges, a key that is no curve point, a hash outside
 *   the signable range, or simply not a signature of this hash by this key.
 */
export type StarkSignatureReason = 'signature_malformed' | 'signature_invalid'

/**
 * Verifies `signature` over `msgHash` for the stark key `publicKey`. The key names only x, so
 * both points (x, y) and (x, −y) are tried and either may verify: that is what StarkWare's
 * reference `verify` does for an int key (Paradex §2).
 *
 * The checks and refusals are @scure/starknet's `verify` run on both points (a property test
 * pins them, negative cases included); the arithmetic is this package's own, in WebAssembly
 * (stark-wasm.ts): R± = u1·G ± u2·Q costs one walk over G's window table, one over Q's (a
 * per-key table once the key has come back, see {@link keyMultiple}) and two additions, and R's
 * x is compared as X = r·Z² without an inversion.
 *
 * @example
 * const hash = paradexRequestHash({ ... })
 * if (hash.ok) verifyStarkSignature({ msgHash: hash.value, signature: { r, s }, publicKey })
 */
export function verifyStarkSignature(input: VerifyStarkSignatureInput): Result<void, StarkSignatureReason> {
  const { msgHash, signature, publicKey } = input
  if (typeof signature?.r !== 'bigint' || typeof signature.s !== 'bigint') {
    return reject('signature_malformed')
  }
  const { r, s } = signature
  // Ranges before any curve math, and every one here: a RangeError must not be what stands
  // between bad input and a 500.
  if (r < 1n || r >= STARK_SIGNATURE_BOUND || s < 1n || s >= STARK_N) return reject('signature_invalid')
  const w = invertModulo(s, STARK_N)
  if (w < 1n || w >= STARK_SIGNATURE_BOUND) return reject('signature_invalid')
  if (typeof msgHash !== 'bigint' || msgHash < 0n || msgHash >= STARK_SIGNATURE_BOUND) {
    return reject('signature_invalid')
  }
  if (typeof publicKey !== 'bigint') return reject('signature_invalid')
  const y = starkKeyY(publicKey)
  if (y === null) return reject('signature_invalid')

  // ECDSA: u1 = h·w, u2 = r·w (mod n); the hash is used as is (it is below 2^251 < n), which is
  // what @scure/starknet's truncation gives for every hash in range.
  const u1 = (msgHash * w) % STARK_N
  const u2 = (r * w) % STARK_N
  const { wasm, hashPart, keyPart, sum, scalar, rWords, rPlusNWords } = verifier()
  const { exports } = wasm
  const generator = generatorTable()
  wasm.writeWords(scalar, u1)
  exports.setInfinity(hashPart)
  exports.walk(hashPart, generator.at, generator.width, generator.windows, scalar, 0, SCALAR_BITS)
  keyMultiple(publicKey, y, u2)
  // ECDSA's final check, `R ≠ ∞ and R.x mod n = r`: R.x lies in [0, P) and n < P, so R.x is
  // either r itself or r + n.
  wasm.writeWords(rWords, r)
  const rPlusN = r + STARK_N < STARK_P
  if (rPlusN) wasm.writeWords(rPlusNWords, r + STARK_N)
  const matches = (negate: number): boolean => {
    exports.copyPoint(sum, hashPart)
    exports.addJacobian(sum, keyPart, negate)
    return exports.hasAffineX(sum, rWords) === 1 || (rPlusN && exports.hasAffineX(sum, rPlusNWords) === 1)
  }
  return matches(0) || matches(1) ? ok(undefined) : reject('signature_invalid')
}

/** Scalars u1, u2 are below n < 2^252. */
const SCALAR_BITS = 252
/**
 * Window widths: G's table (33 windows × 128 points) is built once; a key's (64 windows × 8
 * points, ≈37 kB of WebAssembly memory) for each verification of a new key and kept for a
 * returning one. Wider key windows measured +5% (5 bits) and +15% (6 bits) per verification
 * with BigInt arithmetic, for 1.6x and 2.6x the memory per key: not worth it.
 */
const GENERATOR_WIDTH = 8
const KEY_WIDTH = 4
const KEY_TABLE_BYTES = tableBytes(KEY_WIDTH, SCALAR_BITS)

/** The module and this verifier's places in its memory (points, a scalar's and r's words). */
interface Verifier {
  readonly wasm: StarkWasm
  readonly hashPart: number
  readonly keyPart: number
  readonly sum: number
  readonly scalar: number
  readonly rWords: number
  readonly rPlusNWords: number
  /** Where a key seen for the first time gets its table, used once and overwritten. */
  readonly firstSightTable: number
}

let state: Verifier | undefined
const verifier = (): Verifier => {
  if (state === undefined) {
    const wasm = starkWasm()
    state = {
      wasm,
      hashPart: wasm.allocate(POINT_BYTES),
      keyPart: wasm.allocate(POINT_BYTES),
      sum: wasm.allocate(POINT_BYTES),
      scalar: wasm.allocate(WORDS_BYTES),
      rWords: wasm.allocate(WORDS_BYTES),
      rPlusNWords: wasm.allocate(WORDS_BYTES),
      firstSightTable: wasm.allocate(KEY_TABLE_BYTES),
    }
  }
  return state
}

/** Signed-window table of the generator G, built once. */
let generator: WasmTable | undefined
const generatorTable = (): WasmTable => {
  generator ??= verifier().wasm.buildTable(Point.BASE.x, Point.BASE.y, GENERATOR_WIDTH, SCALAR_BITS)
  return generator
}

/** Builds G's tables now rather than in the first verification (a server's warm-up). */
export function warmUpStarkVerification(): void {
  generatorTable()
}

/**
 * Per-key tables (4-bit windows, ≈37 kB each) for keys that came back: ccxt re-authenticates
 * every 180 s, so the same accounts' keys are verified again and again. A key's table is kept
 * from its second verification on, so a flood of one-off keys (onboarding attempts) costs a
 * marker each and cannot push the returning keys' tables out. Both bounds are least-recently-
 * used; eviction only costs speed, and an evicted table's memory goes to the next one. 256
 * tables are at most ≈10 MB.
 */
const keyTables = createBoundedMemo<bigint, WasmTable>(256, (_, table) =>
  verifier().wasm.release(table.at, KEY_TABLE_BYTES),
)
const keysSeenOnce = createBoundedMemo<bigint, true>(4096)

/** keyPart = u2·Q for Q = (x, y). */
function keyMultiple(x: bigint, y: bigint, u2: bigint): void {
  const { wasm, keyPart, scalar, firstSightTable } = verifier()
  let table = keyTables.find(x)
  if (table === undefined) {
    const returning = keysSeenOnce.find(x) !== undefined
    table = wasm.buildTable(
      x,
      y,
      KEY_WIDTH,
      SCALAR_BITS,
      returning ? wasm.allocate(KEY_TABLE_BYTES) : firstSightTable,
    )
    if (returning) keyTables.set(x, table)
    else keysSeenOnce.set(x, true)
  }
  wasm.writeWords(scalar, u2)
  wasm.exports.setInfinity(keyPart)
  wasm.exports.walk(keyPart, table.at, table.width, table.windows, scalar, 0, SCALAR_BITS)
}
