/**
 * Recovers the 20-byte address that signed a 32-byte digest with a 65-byte r ‖ s ‖ v signature
 * (SEC 1 §4.1.6 recovery, EIP-2 low-s): the step EIP-191 (personal_sign) and EIP-712 (typed data)
 * share once each has hashed its own input. The signature's shape and ranges are checked before
 * any curve math.
 */
import { ok, type Result, reject } from '../result.js'
import type { EvmCrypto } from './evm-crypto.js'
import { nobleEvmCrypto } from './noble-evm-crypto.js'
import { parseSignature } from './parse-signature.js'
import { publicKeyToAddress } from './public-key-to-address.js'
import type { SignatureReason } from './signature-reason.js'

/**
 * `digest` is hashed only after the signature passed its free checks (`digest` may be a thunk for
 * that). The caller compares the returned address with the claimed one as bytes (`bytesEqual`):
 * a valid-looking signature by anyone recovers *some* address.
 */
export function recoverDigestSigner(
  digest: Uint8Array | (() => Uint8Array),
  signatureHex: string,
  crypto: EvmCrypto = nobleEvmCrypto,
): Result<Uint8Array, SignatureReason> {
  const signature = parseSignature(signatureHex)
  if (!signature.ok) return signature
  const hash = typeof digest === 'function' ? digest() : digest
  const { compact, recovery } = signature.value
  const publicKey = crypto.recoverPublicKey(hash, compact, recovery)
  if (publicKey === null) return reject('signature_invalid')
  // A backend that returns anything but 0x04 ‖ x ‖ y breaks the contract: refuse rather than hash it.
  const address = publicKeyToAddress(publicKey, crypto)
  if (address === null) return reject('signature_invalid')
  return ok(address)
}
