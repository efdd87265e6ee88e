/**
 * The two curve points an x-only stark key stands for, (x, y) and (x, −y) (Paradex §2), with a
 * bounded memo. Why: decompressing x costs a square root mod P, and because P − 1 = 2^192·k,
 * Tonelli–Shanks makes that 3–10 ms with @scure/starknet's BigInt, a hundred verifications. It
 * runs in the WebAssembly module instead (wasm/square-root.ts; a property test pins the result to
 * @scure/starknet's decompression), and a gateway sees the same few account keys over and over,
 * so each key is decompressed once.
 */
import { createBoundedMemo } from './bounded-memo.js'
import { STARK_P } from './felt.js'
import { STARK_BETA } from './stark-point-arithmetic.js'
import { FIELD_BYTES, starkWasm, WORDS_BYTES } from './stark-wasm.js'

const hex64 = (value: bigint): string => value.toString(16).padStart(64, '0')

/**
 * x → the even y of its point (0 when there is none). Keys are onboarded accounts' (or, at
 * onboarding, the claimant's); eviction only costs speed.
 */
const memo = createBoundedMemo<bigint, bigint>(4096)

/** SEC 1 uncompressed encoding `04 ‖ x ‖ y`, which @scure/starknet decodes without a square root. */
export type UncompressedPoint = string

/**
 * The even y of the curve point with x-coordinate `x` (the other point is (x, P − y)); `null`
 * when no point on the Stark curve has this x (or x is out of range).
 */
export function starkKeyY(x: bigint): bigint | null {
  if (x < 1n || x >= STARK_P) return null
  // 0 marks "no point": no curve point has y = 0, since that would be a point of order 2 and
  // the curve's order n is an odd prime.
  const y = memo.get(x, () => evenY(x) ?? 0n)
  return y === 0n ? null : y
}

let places: { words: number; element: number } | undefined

/** The even root of x³ + x + β, if it is a square. */
function evenY(x: bigint): bigint | null {
  const wasm = starkWasm()
  places ??= { words: wasm.allocate(WORDS_BYTES), element: wasm.allocate(FIELD_BYTES) }
  const { words, element } = places
  const rhs = (x * x * x + x + STARK_BETA) % STARK_P
  wasm.writeWords(words, rhs)
  wasm.exports.fromWords(element, words)
  if (wasm.exports.sqrt(element, element) !== 1) return null
  wasm.exports.toWords(words, element)
  const root = wasm.readWords(words)
  // The module is pinned by tests; this check costs one BigInt product and keeps a wrong root
  // from ever standing for a key.
  if ((root * root) % STARK_P !== rhs) throw new Error('unreachable: a square root that is none')
  return root % 2n === 0n ? root : STARK_P - root
}

/** Both points with x-coordinate `x`, even y first; `null` as for {@link starkKeyY}. */
export function starkKeyPoints(x: bigint): readonly [UncompressedPoint, UncompressedPoint] | null {
  const y = starkKeyY(x)
  if (y === null) return null
  return [`04${hex64(x)}${hex64(y)}`, `04${hex64(x)}${hex64(STARK_P - y)}`]
}
