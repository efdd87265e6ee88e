/**
 * `EvmCrypto` over @noble/curves secp256k1 (SEC 1 §4.1.6 public-key recovery) and @noble/hashes
 * keccak: pure JS, so it runs everywhere, including the browser SDK. The server prefers native
 * libsecp256k1 and falls back to this.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import type { EvmCrypto } from './evm-crypto.js'
import { keccak256 } from './keccak256.js'

export const nobleEvmCrypto: EvmCrypto = Object.freeze({
  name: 'noble',
  keccak256,
  recoverPublicKey(hash: Uint8Array, signature: Uint8Array, recovery: 0 | 1): Uint8Array | null {
    // noble would accept and truncate a longer digest where libsecp256k1 demands 32 bytes; refuse
    // anything but the contract's shapes so both backends agree on every input.
    if (hash.length !== 32 || signature.length !== 64 || (recovery !== 0 && recovery !== 1)) return null
    try {
      // Throws when r or s is outside 1..n−1, when no curve point has x = r, or when the result
      // is the point at infinity: all mean "no key recovers".
      return secp256k1.Signature.fromBytes(signature, 'compact')
        .addRecoveryBit(recovery)
        .recoverPublicKey(hash)
        .toBytes(false)
    } catch {
      return null
    }
  },
})
