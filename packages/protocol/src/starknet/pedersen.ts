/**
 * StarkWare's Pedersen hash of two felts: the x-coordinate of
 * shift + a_low·P1 + a_high·P2 + b_low·P3 + b_high·P4 (low = the 248 low bits, high = the top 4).
 *
 * Hand-written over @scure/starknet's curve points because its own `pedersen` walks all 252 bits
 * of each input with a point addition and an equality check per set bit; with the byte tables
 * below a hash costs one addition per non-zero byte (spec/perf-baselines.md §2b measured what
 * cached tables buy; bench/RESULTS.md what this one does). Pedersen is most of a Paradex auth's
 * hash, so this is the hot path. The result is pinned to @scure/starknet's `pedersen` by a
 * property test over random and boundary felts.
 *
 * The reference implementation also refuses an input whose running point meets a base point
 * ("Unhashable input"); finding such an input means solving a discrete logarithm, so there is no
 * check for it here, as in starknet-rs.
 */
import { Point } from '@scure/starknet'
import { STARK_P } from './felt.js'

/** A point of the Stark curve (the class is exported as a value only). */
type StarkPoint = InstanceType<typeof Point>

/** StarkWare's constant points: the shift point, then the low and high bases for each input. */
const SHIFT = new Point(
  2089986280348253421170679821480865132823066470938446095505822317253594081284n,
  1713931329540660377023406109199410414810705867260802078187082345529207694986n,
  1n,
)
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
].map(([x, y]) => new Point(x!, y!, 1n))
const [P1, P2, P3, P4] = BASES as [StarkPoint, StarkPoint, StarkPoint, StarkPoint]

const LOW_MASK = (1n << 248n) - 1n
const BYTES = 31

/**
 * Fixed-base tables by byte: `table[i][d - 1] = d · 256^i · base` for the 31 bytes of a 248-bit
 * half, so a multiplication is one addition per non-zero byte (a timestamp: 4; a full felt: 31)
 * instead of one per set bit. ≈15.8k points for the two low bases, built once.
 */
type ByteTable = StarkPoint[][]

function byteTable(base: StarkPoint, bytes: number): ByteTable {
  const table: ByteTable = []
  let unit = base
  for (let i = 0; i < bytes; i++) {
    const row: StarkPoint[] = [unit]
    for (let d = 2; d <= 255; d++) row.push(row[d - 2]!.add(unit))
    table.push(row)
    unit = row[254]!.add(unit) // 256 · unit
  }
  return table
}

let tables: { low1: ByteTable; high2: StarkPoint[]; low3: ByteTable; high4: StarkPoint[] } | undefined

/** Builds the tables now rather than on the first hash (a server's warm-up, about 0.2 s). */
export function warmUpPedersen(): void {
  tables ??= {
    low1: byteTable(P1, BYTES),
    high2: byteTable(P2, 1)[0]!.slice(0, 15),
    low3: byteTable(P3, BYTES),
    high4: byteTable(P4, 1)[0]!.slice(0, 15),
  }
}

// Variable time is fine: every input is public (header values, hashes of them).
function addLow(acc: StarkPoint, table: ByteTable, value: bigint): StarkPoint {
  let point = acc
  let rest = value
  for (let i = 0; rest > 0n; i++, rest >>= 8n) {
    const digit = Number(rest & 0xffn)
    if (digit !== 0) point = point.add(table[i]![digit - 1]!)
  }
  return point
}

const addHigh = (acc: StarkPoint, table: StarkPoint[], nibble: bigint): StarkPoint =>
  nibble === 0n ? acc : acc.add(table[Number(nibble) - 1]!)

/** Pedersen hash of two felts; a value outside [0, P) is a programmer error (RangeError). */
export function pedersen(a: bigint, b: bigint): bigint {
  if (a < 0n || a >= STARK_P || b < 0n || b >= STARK_P) throw new RangeError('pedersen input is not a felt')
  warmUpPedersen()
  const { low1, high2, low3, high4 } = tables!
  let point = addLow(SHIFT, low1, a & LOW_MASK)
  point = addHigh(point, high2, a >> 248n)
  point = addLow(point, low3, b & LOW_MASK)
  point = addHigh(point, high4, b >> 248n)
  return point.toAffine().x
}
