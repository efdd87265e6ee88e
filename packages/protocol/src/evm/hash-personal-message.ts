/**
 * EIP-191 version 0x45 ("personal_sign") message hash:
 * keccak256("\x19Ethereum Signed Message:\n" ‖ decimal(byte length) ‖ message bytes).
 * See siwe.md §1.4.
 */
import type { EvmCrypto } from './evm-crypto.js'
import { keccak256 } from './keccak256.js'

/** 0x19, the EIP-191 version byte 0x45 ("E"), then "thereum Signed Message:\n": all ASCII. */
const PREFIX = new TextEncoder().encode('\x19Ethereum Signed Message:\n')

/**
 * Hashes the exact bytes the wallet signed. The length is the UTF-8 *byte* length, not the
 * string length; callers must pass the bytes as received and never a re-serialization of parsed
 * fields (a re-serialized `Chain ID: 01` no longer matches its signature).
 */
export function hashPersonalMessage(messageBytes: Uint8Array, crypto?: EvmCrypto): Uint8Array {
  // Built by hand into one buffer: this runs on every sign-in and the prefix is pure ASCII.
  const length = String(messageBytes.length)
  const data = new Uint8Array(PREFIX.length + length.length + messageBytes.length)
  data.set(PREFIX, 0)
  for (let i = 0; i < length.length; i++) data[PREFIX.length + i] = length.charCodeAt(i)
  data.set(messageBytes, PREFIX.length + length.length)
  return crypto ? crypto.keccak256(data) : keccak256(data)
}
