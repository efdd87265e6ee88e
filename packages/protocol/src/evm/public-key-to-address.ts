/**
 * Ethereum address of a secp256k1 public key: the last 20 bytes of keccak256(x ‖ y), where
 * x ‖ y is the 65-byte SEC 1 uncompressed encoding without its 0x04 prefix (Yellow Paper eq. 284).
 */
import type { EvmCrypto } from './evm-crypto.js'
import { keccak256 } from './keccak256.js'

/** Returns null unless `publicKey` is a 65-byte uncompressed (0x04-prefixed) point encoding. */
export function publicKeyToAddress(publicKey: Uint8Array, crypto?: EvmCrypto): Uint8Array | null {
  if (publicKey.length !== 65 || publicKey[0] !== 0x04) return null
  const xy = publicKey.subarray(1)
  const digest = crypto ? crypto.keccak256(xy) : keccak256(xy)
  return digest.slice(12)
}
