/**
 * StarkWare's Pedersen hash of two felts: the x-coordinate of
 * shift + a_low·P1 + a_high·P2 + b_low·P3 + b_high·P4 (low = the 248 low bits, high = the top 4).
 *
 * Hand-written because @scure/starknet's own `pedersen` walks all 252 bits of each input with a
 * point addition and an equality check per set bit; with the windowed tables below a hash costs
 * one mixed addition (stark-point-arithmetic.ts) per non-zero signed byte digit, and a first
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
  addWindowedMultiple,
  affineX,
  type JacobianPoint,
  type WindowTable,
  windowTable,
} from './stark-point-arithmetic.js'

/** StarkWare's constant points: the shift point, then the low and high bases for each input. */
const SHIFT: JacobianPoint = {
  x: 2089986280348253421170679821480865132823066470938446095505822317253594081284n,
  y: 1713931329540660377023406109199410414810705867260802078187082345529207694986n,
  z: 1n,
}
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

const LOW_MASK = (1n << 248n) - 1n

/**
 * Signed-window width of the two low bases' tables: a full 248-bit half costs at most 32 mixed
 * additions, over 32 windows × 128 = 4,096 points per base. Wider windows need fewer additions
 * but measured no faster (10 and 12 bits: 4–10x the memory, and cache misses and GC eat the
 * gain; bench/RESULTS.md), and take seconds to build.
 */
const LOW_WIDTH = 8

/** The low bases' tables (248-bit halves) and the high bases' (top 4 bits, 16 points each). */
let tables: { low1: WindowTable; high2: WindowTable; low3: WindowTable; high4: WindowTable } | undefined

/** Builds the tables now rather than on the first hash (a server's warm-up). */
export function warmUpPedersen(): void {
  tables ??= {
    low1: windowTable(BASES[0][0], BASES[0][1], LOW_WIDTH, 248),
    high2: windowTable(BASES[1][0], BASES[1][1], 5, 4),
    low3: windowTable(BASES[2][0], BASES[2][1], LOW_WIDTH, 248),
    high4: windowTable(BASES[3][0], BASES[3][1], 5, 4),
  }
}

const assertFelt = (value: bigint): void => {
  if (value < 0n || value >= STARK_P) throw new RangeError('pedersen input is not a felt')
}

/**
 * The part of pedersen(a, ·) that depends on `a` only: shift + a_low·P1 + a_high·P2. Keep it
 * for a first input that repeats (a cached fold) and finish with {@link pedersenWithPrefix}.
 */
export interface PedersenPrefix {
  readonly point: JacobianPoint
}

/** {@link PedersenPrefix} of `a`; a value outside [0, P) is a programmer error (RangeError). */
export function pedersenPrefix(a: bigint): PedersenPrefix {
  assertFelt(a)
  warmUpPedersen()
  const { low1, high2 } = tables!
  return { point: addWindowedMultiple(addWindowedMultiple(SHIFT, low1, a & LOW_MASK), high2, a >> 248n) }
}

/** pedersen(a, b) from `a`'s prefix. */
export function pedersenWithPrefix(prefix: PedersenPrefix, b: bigint): bigint {
  assertFelt(b)
  const { low3, high4 } = tables!
  const point = addWindowedMultiple(addWindowedMultiple(prefix.point, low3, b & LOW_MASK), high4, b >> 248n)
  // Reaching infinity means a discrete logarithm between the bases was found (see above); the
  // reference's toAffine gives x = 0 for it.
  return affineX(point) ?? 0n
}

/** Pedersen hash of two felts; a value outside [0, P) is a programmer error (RangeError). */
export function pedersen(a: bigint, b: bigint): bigint {
  assertFelt(b)
  return pedersenWithPrefix(pedersenPrefix(a), b)
}
