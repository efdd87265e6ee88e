/**
 * StarkWare's Pedersen hash of two felts: the x-coordinate of
 * shift + a_low·P1 + a_high·P2 + b_low·P3 + b_high·P4 (low = the 248 low bits, high = the top 4).
 *
 * Hand-written because @scure/starknet's own `pedersen` walks all 252 bits of each input with a
 * point addition and an equality check per set bit; with the windowed tables below a hash costs
 * one mixed addition per non-zero signed byte digit, in WebAssembly (stark-wasm.ts), and a first
 * input that repeats (a folded constant prefix) can be kept as a point ({@link pedersenPrefix})
 * so that only the second input's digits are added. Pedersen is most of a Paradex auth's hash, so this is the hot
 * path (bench/RESULTS.md). The result is pinned to @scure/starknet's `pedersen` by property tests
 * over random and boundary felts, through both entry points.
 *
 * The reference implementation also refuses an input whose running point meets a base point
 * ("Unhashable input"); finding such an input means solving a discrete logarithm, so there is no
 * check for it here, as in starknet-rs.
 */
import { STARK_P } from './felt.js'
import {
  FIELD_BYTES,
  POINT_BYTES,
  type StarkWasm,
  starkWasm,
  type WasmTable,
  WORDS_BYTES,
} from './stark-wasm.js'

/** StarkWare's constant points: the shift point, then the low and high bases for each input. */
const SHIFT = [
  2089986280348253421170679821480865132823066470938446095505822317253594081284n,
  1713931329540660377023406109199410414810705867260802078187082345529207694986n,
] as const
const BASES = [
  [
    996781205833008774514500082376783249102396023663454813447423147977397232763n,
    1668503676786377725805489344771023921079126552019160156920634619255970485781n,
  ],
  [
    2251563274489750535117886426533222435294046428347329203627021249169616184184n,
    1798716007562728905295480679789526322175868328062420237419143593021674992973n,
  ],
  [
    2138414695194151160943305727036575959195309218611738193261179310511854807447n,
    113410276730064486255102093846540133784865286929052426931474106396135072156n,
  ],
  [
    2379962749567351885752724891227938183011949129833673362440656643086021394946n,
    776496453633298175483985398648758586525933812536653089401905292063708816422n,
  ],
] as const

/** Each input splits into its 248 low bits and its top 4. */
const LOW_BITS = 248
const HIGH_BITS = 4

/**
 * Signed-window width of the two low bases' tables: a full 248-bit half costs at most 32 mixed
 * additions, over 32 windows × 128 = 4,096 points per base. Wider windows need fewer additions
 * but measured no faster (10 and 12 bits: 4–10x the memory, and cache misses and GC eat the
 * gain; bench/RESULTS.md), and take seconds to build.
 */
const LOW_WIDTH = 8

interface PedersenState {
  readonly wasm: StarkWasm
  readonly low1: WasmTable
  readonly high2: WasmTable
  readonly low3: WasmTable
  readonly high4: WasmTable
  /** The shift point, the running point, an input's words, the output's words. */
  readonly shift: number
  readonly point: number
  readonly scalar: number
  readonly out: number
}

let state: PedersenState | undefined

function build(): PedersenState {
  const wasm = starkWasm()
  const table = ([x, y]: readonly [bigint, bigint], width: number, bits: number) =>
    wasm.buildTable(x, y, width, bits)
  const shift = wasm.allocate(POINT_BYTES)
  const words = wasm.allocate(64)
  wasm.writeWords(words, SHIFT[0])
  wasm.writeWords(words + 32, SHIFT[1])
  wasm.exports.setAffine(shift, words)
  return {
    wasm,
    low1: table(BASES[0], LOW_WIDTH, LOW_BITS),
    high2: table(BASES[1], 5, HIGH_BITS),
    low3: table(BASES[2], LOW_WIDTH, LOW_BITS),
    high4: table(BASES[3], 5, HIGH_BITS),
    shift,
    point: wasm.allocate(POINT_BYTES),
    scalar: wasm.allocate(WORDS_BYTES),
    out: wasm.allocate(WORDS_BYTES),
  }
}

/** Builds the tables now rather than on the first hash (a server's warm-up). */
export function warmUpPedersen(): void {
  state ??= build()
}

const assertFelt = (value: bigint): void => {
  if (value < 0n || value >= STARK_P) throw new RangeError('pedersen input is not a felt')
}

/** point += value_low·L + value_high·H for the felt `value`. */
function addInput(
  { wasm, point, scalar }: PedersenState,
  value: bigint,
  low: WasmTable,
  high: WasmTable,
): void {
  wasm.writeWords(scalar, value)
  wasm.exports.walk(point, low.at, low.width, low.windows, scalar, 0, LOW_BITS)
  wasm.exports.walk(point, high.at, high.width, high.windows, scalar, LOW_BITS, LOW_BITS + HIGH_BITS)
}

/**
 * The part of pedersen(a, ·) that depends on `a` only: shift + a_low·P1 + a_high·P2. Keep it
 * for a first input that repeats (a cached fold) and finish with {@link pedersenWithPrefix}.
 */
export interface PedersenPrefix {
  /** The point's bytes as the WebAssembly module stores it (Jacobian, Montgomery form). */
  readonly point: Uint8Array
}

/** {@link PedersenPrefix} of `a`; a value outside [0, P) is a programmer error (RangeError). */
export function pedersenPrefix(a: bigint): PedersenPrefix {
  assertFelt(a)
  warmUpPedersen()
  const current = state!
  current.wasm.exports.copyPoint(current.point, current.shift)
  addInput(current, a, current.low1, current.high2)
  return { point: current.wasm.savePoint(current.point) }
}

/** x of the running point + b_low·P3 + b_high·P4. */
function finish(current: PedersenState, b: bigint): bigint {
  const { wasm, point, out } = current
  addInput(current, b, current.low3, current.high4)
  // Reaching infinity means a discrete logarithm between the bases was found (see above); the
  // reference's toAffine gives x = 0 for it.
  if (wasm.exports.isZero(point + 2 * FIELD_BYTES)) return 0n
  wasm.exports.affineX(out, point)
  return wasm.readWords(out)
}

/** pedersen(a, b) from `a`'s prefix. */
export function pedersenWithPrefix(prefix: PedersenPrefix, b: bigint): bigint {
  assertFelt(b)
  warmUpPedersen()
  const current = state!
  current.wasm.restorePoint(current.point, prefix.point)
  return finish(current, b)
}

/** Pedersen hash of two felts; a value outside [0, P) is a programmer error (RangeError). */
export function pedersen(a: bigint, b: bigint): bigint {
  assertFelt(a)
  assertFelt(b)
  warmUpPedersen()
  const current = state!
  current.wasm.exports.copyPoint(current.point, current.shift)
  addInput(current, a, current.low1, current.high2)
  return finish(current, b)
}
