/**
 * Starknet field elements ("felts") as SNIP-12 revision 0 encodes a `felt` field (Paradex §1):
 * integers as they are, strings parsed as decimal or `0x` hex when they can be (the empty string
 * is 0), otherwise as a Cairo short string (≤ 31 ASCII characters read big-endian). Every value
 * must lie in [0, P) with P = 2^251 + 17·2^192 + 1.
 */
import { ok, type Result, reject } from '../result.js'

/** The Stark field prime P = 2^251 + 17·2^192 + 1 (Paradex §1). */
export const STARK_P = 2n ** 251n + 17n * 2n ** 192n + 1n

/** What a typed-data `felt` field may be given as, before encoding (starknet.js `BigNumberish`). */
export type FeltInput = string | number | bigint

/**
 * No felt needs more than 78 decimal digits; the limit only stops a huge string (leading zeros)
 * from reaching `BigInt`, whose parse is super-linear, before it is refused.
 */
const MAX_NUMERIC_LENGTH = 256
const DECIMAL = /^[0-9]+$/
// `0x` only, as §1 reads it and the clients emit it. `0X1f`, `0b101`, ` 12 ` are short strings
// here; starknet.js's `BigInt()` would parse them as numbers, but no client sends them, and the
// server validates header syntax before it hashes anything.
const HEX = /^0x[0-9a-fA-F]+$/
const SHORT_STRING_MAX = 31
// Cairo short strings are ASCII (starknet.js `isASCII`: U+0000..U+007F, control characters included).
const ASCII_MAX = 0x7f

const inField = (value: bigint): Result<bigint, 'felt_invalid'> =>
  value >= 0n && value < STARK_P ? ok(value) : reject('felt_invalid')

/**
 * Encodes `text` as a Cairo short string: its ASCII bytes read as one big-endian integer.
 * Refuses more than 31 characters (they would not fit in 248 bits) and non-ASCII text.
 *
 * @example
 * shortString('POST') // { ok: true, value: 0x504f5354n }
 */
export function shortString(text: string): Result<bigint, 'felt_invalid'> {
  if (typeof text !== 'string' || text.length > SHORT_STRING_MAX) return reject('felt_invalid')
  let value = 0n
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code > ASCII_MAX) return reject('felt_invalid')
    value = (value << 8n) | BigInt(code)
  }
  return ok(value)
}

/**
 * Encodes a typed-data `felt` value by the rev-0 rules (Paradex §1). `"1"` and `1` give the same
 * felt, and so do `""` and `"0"`, which is why the server must build the typed data itself from
 * validated header values rather than trust anything client-shaped.
 *
 * @example
 * toFelt('PRIVATE_SN_POTC_SEPOLIA') // short string
 * toFelt('1700000000')              // { ok: true, value: 1700000000n }
 */
export function toFelt(value: FeltInput): Result<bigint, 'felt_invalid'> {
  if (typeof value === 'bigint') return inField(value)
  if (typeof value === 'number') {
    // Beyond 2^53 a number has already lost digits: refuse rather than hash a different value.
    return Number.isSafeInteger(value) && value >= 0 ? ok(BigInt(value)) : reject('felt_invalid')
  }
  if (typeof value !== 'string') return reject('felt_invalid')
  if (value === '') return ok(0n)
  if (DECIMAL.test(value) || HEX.test(value)) {
    return value.length > MAX_NUMERIC_LENGTH ? reject('felt_invalid') : inField(BigInt(value))
  }
  return shortString(value)
}

/**
 * {@link toFelt} over each value of a record, keeping the keys: the first value that is no felt
 * makes the whole record `felt_invalid`.
 *
 * @example
 * toFelts({ timestamp: '1700000000', expiration: 1700000180 })
 */
export function toFelts<K extends string>(
  values: Readonly<Record<K, FeltInput>>,
): Result<Record<K, bigint>, 'felt_invalid'> {
  const felts = {} as Record<K, bigint>
  for (const key of Object.keys(values) as K[]) {
    const felt = toFelt(values[key])
    if (!felt.ok) return felt
    felts[key] = felt.value
  }
  return ok(felts)
}

/**
 * Strict hex felt for addresses and keys from headers and bodies: `0x` + 1..64 hex digits, < P.
 * Unlike {@link toFelt} there is no short-string fallback: `"abc"` is not an address.
 *
 * @example
 * parseHexFelt('0x8857491dd4065910836e3b02bd51c93f1c3c1e2289accb0bc02123555569c1')
 */
export function parseHexFelt(text: string): Result<bigint, 'felt_invalid'> {
  if (typeof text !== 'string' || text.length > 66 || !HEX.test(text)) return reject('felt_invalid')
  return inField(BigInt(text))
}

/**
 * The canonical text of a felt: `0x` + lowercase hex without leading zeros, as the clients emit
 * addresses and keys (Paradex §1) and as the JWT `sub` carries them.
 *
 * @example
 * feltToHex(0x0abcn) // '0xabc'
 */
export function feltToHex(felt: bigint): string {
  return `0x${felt.toString(16)}`
}
