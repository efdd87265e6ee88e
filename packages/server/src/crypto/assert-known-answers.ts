/**
 * Boot-time known-answer test for an `EvmCrypto` backend: Keccak-256 of a fixed text, SEC 1 public
 * key recovery of a fixed signature made with private key 1 (which must give the generator G),
 * and the Ethereum address of G. A broken or mismatched native build fails here, loudly, instead
 * of rejecting (or worse, accepting) sign-ins later.
 */
import type { EvmCrypto } from '@sigil/protocol'

const TEXT = 'Sigil known-answer test'
const TEXT_KECCAK = '537bf1841b4e1982312106d2132a73a690c6b14c487c1eb22f062d24452d2515'
/** r ‖ s of an RFC 6979 signature of TEXT_KECCAK by private key 1; its recovery bit is 1. */
const SIGNATURE =
  '5c4bfa0ab80c1216e39a0b6481ac6349af0ed6e53be2054f48bfd39b1e652237' +
  '0cdfca9be73e61ac3dd5c8e00b428630f7f29a257a7219a23f808be04d6442d6'
/** G in SEC 1 uncompressed form (SEC 2 §2.4.1). */
const GENERATOR =
  '0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798' +
  '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8'
/** The well-known address of private key 1. */
const ADDRESS = '7e5f4552091a69125d5dfcb7b8c2659029395bdf'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** Throws (at boot, never per request) when the backend gives a wrong answer. */
export function assertKnownAnswers(crypto: EvmCrypto): void {
  const hash = crypto.keccak256(new TextEncoder().encode(TEXT))
  if (hex(hash) !== TEXT_KECCAK)
    throw new Error(`EvmCrypto '${crypto.name}': keccak256 known-answer test failed`)
  const publicKey = crypto.recoverPublicKey(hash, Buffer.from(SIGNATURE, 'hex'), 1)
  if (publicKey === null || hex(publicKey) !== GENERATOR) {
    throw new Error(`EvmCrypto '${crypto.name}': public-key recovery known-answer test failed`)
  }
  // A subarray, as address derivation passes: catches backends that ignore byteOffset.
  if (hex(crypto.keccak256(publicKey.subarray(1)).subarray(12)) !== ADDRESS) {
    throw new Error(`EvmCrypto '${crypto.name}': address known-answer test failed`)
  }
}
