/**
 * The two curve points an x-only stark key stands for, (x, y) and (x, −y) (Paradex §2), with a
 * bounded memo. Why: decompressing x costs a square root mod P, and because P − 1 = 2^192·k,
 * Tonelli–Shanks makes that about 3 ms with @scure/starknet, more than a verification. A gateway
 * sees the same few account keys over and over, so each key is decompressed once.
 */
import { Point } from '@scure/starknet'
import { createBoundedMemo } from './bounded-memo.js'
import { STARK_P } from './felt.js'

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
  const y = memo.get(x, () => {
    try {
      return Point.fromHex(`02${hex64(x)}`).toAffine().y
    } catch {
      return 0n
    }
  })
  return y === 0n ? null : y
}

/** Both points with x-coordinate `x`, even y first; `null` as for {@link starkKeyY}. */
export function starkKeyPoints(x: bigint): readonly [UncompressedPoint, UncompressedPoint] | null {
  const y = starkKeyY(x)
  if (y === null) return null
  return [`04${hex64(x)}${hex64(y)}`, `04${hex64(x)}${hex64(STARK_P - y)}`]
}
