/**
 * Strict decoding of a 65-byte Ethereum ECDSA signature `0x` ‖ hex(r ‖ s ‖ v) (secp256k1, SEC 1
 * §4.1; low-s per EIP-2). Only the shape and the scalar ranges are checked here, so that nothing
 * untrusted reaches curve code unvalidated (siwe.md §6 items 8–9, §7 items 28–30).
 */
import { ok, type Result, reject } from '../result.js'
import { SECP256K1_HALF_N, SECP256K1_N } from './secp256k1-order.js'
import type { SignatureReason } from './signature-reason.js'

/** A signature that passed every check that needs no curve math. */
export interface ParsedSignature {
  /** The y-parity of the nonce point R (v − 27 for legacy v). */
  readonly recovery: 0 | 1
  /** The 64 bytes r ‖ s, as `EvmCrypto.recoverPublicKey` takes them. */
  readonly compact: Uint8Array
}

/** `0x` + 65 bytes. EIP-2098 64-byte compact signatures are deliberately not accepted here. */
const SIGNATURE_HEX_LENGTH = 2 + 2 * 65

/** Value of each ASCII hex digit (either case); -1 for every other ASCII char. */
const HEX_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i
}

/** `value` as 32 big-endian bytes. */
function word(value: bigint): Uint8Array {
  const bytes = new Uint8Array(32)
  for (let i = 31, v = value; i >= 0; i--, v >>= 8n) bytes[i] = Number(v & 0xffn)
  return bytes
}
const N_BYTES = word(SECP256K1_N)
const HALF_N_BYTES = word(SECP256K1_HALF_N)

/**
 * Big-endian comparison of the 32-byte scalar at `bytes[from]` with `bound`: negative, zero or
 * positive. Byte-wise rather than through BigInt: this runs twice per sign-in, and the scalars are
 * public (no constant-time need).
 */
function compareWord(bytes: Uint8Array, from: number, bound: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const diff = bytes[from + i]! - bound[i]!
    if (diff !== 0) return diff
  }
  return 0
}

function isZeroWord(bytes: Uint8Array, from: number): boolean {
  for (let i = 0; i < 32; i++) if (bytes[from + i] !== 0) return false
  return true
}

/** Value of the hex digit pair at `hex[at]`, or -1 when either char is not a hex digit. */
function hexByte(hex: string, at: number): number {
  const a = hex.charCodeAt(at)
  const b = hex.charCodeAt(at + 1)
  const high = a < 128 ? HEX_VALUE[a]! : -1
  const low = b < 128 ? HEX_VALUE[b]! : -1
  return high >= 0 && low >= 0 ? (high << 4) | low : -1
}

/**
 * r ‖ s of `0x` + 130 hex digits, or null when any char is not a hex digit: one pass over the
 * text, because this runs on every sign-in and a regex plus a generic decoder scan it twice. The
 * 64 bytes stay within V8's on-heap typed-array limit; 65 would cost a malloc'd backing store.
 */
function decodeCompact(hex: string): Uint8Array | null {
  const bytes = new Uint8Array(64)
  for (let i = 0, at = 2; i < 64; i++, at += 2) {
    const value = hexByte(hex, at)
    if (value < 0) return null
    bytes[i] = value
  }
  return bytes
}

export function parseSignature(hex: string): Result<ParsedSignature, SignatureReason> {
  // Length first: a multi-megabyte string is refused without being scanned. The runtime type
  // check guards callers that forward untyped JSON.
  if (
    typeof hex !== 'string' ||
    hex.length !== SIGNATURE_HEX_LENGTH ||
    hex.charCodeAt(0) !== 0x30 ||
    hex.charCodeAt(1) !== 0x78
  ) {
    return reject('signature_malformed')
  }
  const bytes = decodeCompact(hex)
  const v = hexByte(hex, 130)
  if (bytes === null || v < 0) return reject('signature_malformed')
  // Ethereum wallets emit v as 27/28 (legacy) or 0/1 (e.g. Ledger, the spruceid vector "recovery
  // byte starting at 0"). 29/30 (R.x ≥ n) never happens in practice and EIP-155 values are for
  // transactions, not messages: refusing them keeps one canonical encoding per key bit.
  let recovery: 0 | 1
  if (v === 0 || v === 27) recovery = 0
  else if (v === 1 || v === 28) recovery = 1
  else return reject('signature_invalid')

  // r and s in 1..n−1.
  if (isZeroWord(bytes, 0) || compareWord(bytes, 0, N_BYTES) >= 0) return reject('signature_invalid')
  if (isZeroWord(bytes, 32) || compareWord(bytes, 32, N_BYTES) >= 0) return reject('signature_invalid')
  // Low-s (EIP-2): without it anyone can turn a valid signature into a second valid one, which
  // breaks any dedupe or audit keyed on signature bytes (viem accepts the twin, ethers refuses).
  if (compareWord(bytes, 32, HALF_N_BYTES) > 0) return reject('signature_not_canonical')

  return ok({ recovery, compact: bytes })
}
