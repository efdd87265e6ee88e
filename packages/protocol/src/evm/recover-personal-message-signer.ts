/**
 * Recovers the 20-byte address that signed a message with Ethereum's personal_sign (EIP-191
 * version 0x45) using a 65-byte r ‖ s ‖ v signature (SEC 1 §4.1.6 recovery, EIP-2 low-s).
 * Order matters: the signature's shape and ranges are checked before any hashing or curve math
 * (siwe.md §6 item 9).
 */
import type { Result } from '../result.js'
import type { EvmCrypto } from './evm-crypto.js'
import { hashPersonalMessage } from './hash-personal-message.js'
import { nobleEvmCrypto } from './noble-evm-crypto.js'
import { recoverDigestSigner } from './recover-digest-signer.js'
import type { SignatureReason } from './signature-reason.js'

/**
 * `message` is either the exact bytes received or a string, which is UTF-8 encoded exactly once
 * (as wallets do). The caller compares the returned address with the claimed one as bytes
 * (`bytesEqual`); a valid-looking signature by anyone recovers *some* address, so recovery alone
 * proves nothing.
 */
export function recoverPersonalMessageSigner(
  message: string | Uint8Array,
  signatureHex: string,
  crypto: EvmCrypto = nobleEvmCrypto,
): Result<Uint8Array, SignatureReason> {
  // Hashed only once the signature passed its free shape and range checks.
  return recoverDigestSigner(() => hashPersonalMessage(message, crypto), signatureHex, crypto)
}
