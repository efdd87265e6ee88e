/**
 * EIP-191 version 0x45 ("personal_sign") message hash:
 * keccak256("\x19Ethereum Signed Message:\n" ‖ decimal(byte length) ‖ message bytes).
 * See siwe.md §1.4.
 */
import type { EvmCrypto } from './evm-crypto.js'
import { keccak256 } from './keccak256.js'

/** 0x19, the EIP-191 version byte 0x45 ("E"), then "thereum Signed Message:\n": all ASCII. */
const PREFIX = new TextEncoder().encode('\x19Ethereum Signed Message:\n')
const utf8 = new TextEncoder()

/**
 * One reused buffer for prefix ‖ length ‖ message. This runs on every sign-in, and a fresh buffer
 * of a few hundred bytes (plus TextEncoder's) is a malloc'd backing store each time in V8. Safe to
 * share: it is filled and hashed synchronously, and `EvmCrypto.keccak256` does not keep its input.
 * The message goes at a fixed offset with room for the prefix and up to 10 length digits before
 * it, so it can be written before its byte length (hence the digits) is known.
 */
const MESSAGE_AT = PREFIX.length + 10
const scratch = new Uint8Array(4096)
const scratchTail = scratch.subarray(MESSAGE_AT)

/**
 * Hashes the exact bytes the wallet signed. The length is the UTF-8 *byte* length, not the
 * string length; callers must pass the bytes (or the text) as received and never a
 * re-serialization of parsed fields (a re-serialized `Chain ID: 01` no longer matches its
 * signature). A string is UTF-8 encoded exactly once, as wallets do.
 */
export function hashPersonalMessage(message: string | Uint8Array, crypto?: EvmCrypto): Uint8Array {
  let length: number
  if (typeof message === 'string') {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit; a longer text gets its own buffer.
    if (message.length * 3 > scratchTail.length) return hashPersonalMessage(utf8.encode(message), crypto)
    length = utf8.encodeInto(message, scratchTail).written
  } else {
    if (message.length > scratchTail.length) return hashFresh(message, crypto)
    scratchTail.set(message)
    length = message.length
  }
  const digits = String(length)
  const start = MESSAGE_AT - digits.length - PREFIX.length
  scratch.set(PREFIX, start)
  for (let i = 0; i < digits.length; i++) scratch[MESSAGE_AT - digits.length + i] = digits.charCodeAt(i)
  const data = scratch.subarray(start, MESSAGE_AT + length)
  return crypto ? crypto.keccak256(data) : keccak256(data)
}

/** The same hash for a message longer than the shared buffer. */
function hashFresh(messageBytes: Uint8Array, crypto?: EvmCrypto): Uint8Array {
  const length = String(messageBytes.length)
  const data = new Uint8Array(PREFIX.length + length.length + messageBytes.length)
  data.set(PREFIX, 0)
  for (let i = 0; i < length.length; i++) data[PREFIX.length + i] = length.charCodeAt(i)
  data.set(messageBytes, PREFIX.length + length.length)
  return crypto ? crypto.keccak256(data) : keccak256(data)
}
