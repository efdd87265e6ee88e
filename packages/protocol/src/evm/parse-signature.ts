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
  readonly r: bigint
  readonly s: bigint
  /** The y-parity of the nonce point R (v − 27 for legacy v). */
  readonly recovery: 0 | 1
  /** The 64 bytes r ‖ s, as `EvmCrypto.recoverPublicKey` takes them. */
  readonly compact: Uint8Array
}

/** `0x` + 65 bytes. EIP-2098 64-byte compact signatures are deliberately not accepted here. */
const SIGNATURE_HEX_LENGTH = 2 + 2 * 65
const SIGNATURE_HEX = /^0x[0-9a-fA-F]{130}$/

/** A hex digit's value; the caller has already matched the digits against {@link SIGNATURE_HEX}. */
const digit = (code: number): number => (code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57)

/**
 * The 65 bytes of a signature already matched by {@link SIGNATURE_HEX}: a plain loop, because this
 * runs on every sign-in and the generic decoders re-validate and slice what the regex has checked.
 */
function decodeCheckedHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(65)
  for (let i = 0, at = 2; i < 65; i++, at += 2) {
    bytes[i] = (digit(hex.charCodeAt(at)) << 4) | digit(hex.charCodeAt(at + 1))
  }
  return bytes
}

export function parseSignature(hex: string): Result<ParsedSignature, SignatureReason> {
  // Length first: a multi-megabyte string is refused without being scanned. The runtime type
  // check guards callers that forward untyped JSON.
  if (typeof hex !== 'string' || hex.length !== SIGNATURE_HEX_LENGTH || !SIGNATURE_HEX.test(hex)) {
    return reject('signature_malformed')
  }
  const bytes = decodeCheckedHex(hex)
  const v = bytes[64]
  // Ethereum wallets emit v as 27/28 (legacy) or 0/1 (e.g. Ledger, the spruceid vector "recovery
  // byte starting at 0"). 29/30 (R.x ≥ n) never happens in practice and EIP-155 values are for
  // transactions, not messages: refusing them keeps one canonical encoding per key bit.
  let recovery: 0 | 1
  if (v === 0 || v === 27) recovery = 0
  else if (v === 1 || v === 28) recovery = 1
  else return reject('signature_invalid')

  const r = BigInt(`0x${hex.slice(2, 66)}`)
  const s = BigInt(`0x${hex.slice(66, 130)}`)
  if (r < 1n || r >= SECP256K1_N || s < 1n || s >= SECP256K1_N) return reject('signature_invalid')
  // Low-s (EIP-2): without it anyone can turn a valid signature into a second valid one, which
  // breaks any dedupe or audit keyed on signature bytes (viem accepts the twin, ethers refuses).
  if (s > SECP256K1_HALF_N) return reject('signature_not_canonical')

  return ok({ r, s, recovery, compact: bytes.slice(0, 64) })
}
