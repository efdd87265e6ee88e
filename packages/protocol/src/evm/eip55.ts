/**
 * EIP-55 mixed-case checksum addresses.
 *
 * Lower-case the 40 hex digits, hash their ASCII with Keccak-256; hex letter i is upper case iff
 * nibble i of the hash is >= 8. Identity must always be keyed on the 20 bytes
 * ({@link addressToBytes}), never on the string as sent: case variants of one address are the
 * same account (duplicate-account bugs in supabase/auth#2264 came from keying on the text).
 */
import { keccak256 } from './keccak256.js'

const HEX_DIGITS = '0123456789abcdef'

/** Value of an ASCII hex digit (either case), or -1. */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  const lower = code | 0x20
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10
  return -1
}

/** Offset of the 40 hex digits in `text` (2 with a `0x`/`0X` prefix, 0 without), or -1. */
function hexStart(text: string, allowBare: boolean): number {
  let start: number
  if (text.length === 42 && text.charCodeAt(0) === 0x30 && (text.charCodeAt(1) | 0x20) === 0x78) start = 2
  else if (allowBare && text.length === 40) start = 0
  else return -1
  for (let i = start; i < text.length; i++) if (hexValue(text.charCodeAt(i)) < 0) return -1
  return start
}

/** A Keccak-256 implementation (32-byte digest): @noble's by default, the server plugs in its WASM one. */
export type Keccak256 = (data: Uint8Array) => Uint8Array

/**
 * Reused by {@link isEip55Address}: a fresh 40-byte array per sign-in is cheap to create, but a
 * WASM hash reads it through its `.buffer`, which makes V8 move it off-heap (a malloc and a
 * tracked backing store each time). Filled and hashed synchronously; a hash keeps no input.
 */
const checkScratch = new Uint8Array(40)

/** The 40 hex digits starting at `start` (assumed valid hex) as lower-case ASCII: what EIP-55 hashes. */
function lowerAscii(text: string, start: number, ascii = new Uint8Array(40)): Uint8Array {
  for (let i = 0; i < 40; i++) ascii[i] = HEX_DIGITS.charCodeAt(hexValue(text.charCodeAt(start + i)))
  return ascii
}

/** Whether hex letter `i` of the address must be upper case: nibble i of the hash is >= 8. */
const upperAt = (hash: Uint8Array, i: number): boolean =>
  ((i & 1) === 0 ? hash[i >> 1]! >> 4 : hash[i >> 1]! & 0x0f) >= 8

/** The checksum casing of 40 hex digits starting at `start` (assumed valid hex). */
function checksumBody(text: string, start: number): string {
  const ascii = lowerAscii(text, start)
  const hash = keccak256(ascii)
  let out = ''
  for (let i = 0; i < 40; i++) {
    const c = ascii[i]!
    out += c >= 0x61 && upperAt(hash, i) ? String.fromCharCode(c - 0x20) : String.fromCharCode(c)
  }
  return out
}

/**
 * Returns the EIP-55 checksum form of an address given as 40 hex digits in any case, with or
 * without a `0x` prefix.
 *
 * @throws TypeError when the input is not 40 hex digits (optionally `0x`-prefixed).
 * @example
 * toChecksumAddress('0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2')
 * // '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'
 */
export function toChecksumAddress(hex: string): `0x${string}` {
  const start = typeof hex === 'string' ? hexStart(hex, true) : -1
  if (start < 0) throw new TypeError('toChecksumAddress: expected 40 hex digits')
  return `0x${checksumBody(hex, start)}`
}

/**
 * True iff `text` is exactly `0x` + 40 hex digits whose casing is the EIP-55 checksum.
 *
 * All-lowercase and all-uppercase spellings are rejected (as the EIP-4361 reference parser and
 * its "address not EIP-55" vector do) unless they happen to be the checksum form, e.g. an
 * address without any hex letter. Never throws.
 *
 * `hash` must be Keccak-256; the default is @noble's (pure JS, browser-safe). It runs on every
 * sign-in, where a 40-byte @noble hash costs more than the rest of the parse, so the server
 * passes its WASM Keccak (checked against known answers at start-up).
 *
 * @example
 * isEip55Address('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2') // true
 * isEip55Address('0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2') // false
 */
export function isEip55Address(text: string, hash: Keccak256 = keccak256): boolean {
  // The prefix must be exactly lower-case `0x`: the checksum form never uses `0X`.
  if (typeof text !== 'string' || text.length !== 42 || text.charCodeAt(1) !== 0x78) return false
  if (hexStart(text, false) !== 2) return false
  const digest = hash(lowerAscii(text, 2, checkScratch))
  if (digest.length < 20) return false
  // Letter by letter against the hash, rather than building the checksum string and comparing.
  for (let i = 0; i < 40; i++) {
    const c = text.charCodeAt(2 + i)
    // A letter (digits are below 0x41) must be upper case (A-F, up to 0x46) exactly where the hash says.
    if (c >= 0x41 && c <= 0x46 !== upperAt(digest, i)) return false
  }
  return true
}

/**
 * The 20 bytes of an address given as `0x` + 40 hex digits (any case). This is the identity key:
 * it does not check the checksum, callers that accept user input check {@link isEip55Address}.
 *
 * @throws TypeError when the input is not `0x` + 40 hex digits.
 * @example
 * addressToBytes('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2').length // 20
 */
export function addressToBytes(text: string): Uint8Array {
  const start = typeof text === 'string' ? hexStart(text, false) : -1
  if (start !== 2) throw new TypeError('addressToBytes: expected 0x + 40 hex digits')
  const bytes = new Uint8Array(20)
  for (let i = 0; i < 20; i++) {
    bytes[i] = (hexValue(text.charCodeAt(2 + 2 * i)) << 4) | hexValue(text.charCodeAt(3 + 2 * i))
  }
  return bytes
}
