/**
 * StarkWare ECDSA verification over the Stark curve with an x-only public key ("stark key"), as
 * Paradex stores it (Paradex §2). StarkWare's rules on top of plain ECDSA: 1 ≤ r < 2^251,
 * 1 ≤ s < n, 1 ≤ w = s⁻¹ mod n < 2^251 and msgHash < 2^251. High-s is allowed: StarkWare's
 * signers emit both halves, and paradex-py's nonces differ from the JS libraries', so
 * signatures are only ever verified, never compared.
 */
import { invert } from '@noble/curves/abstract/modular.js'
import { Signature, verify } from '@scure/starknet'
import { ok, type Result, reject } from '../result.js'
import { STARK_N, STARK_SIGNATURE_BOUND } from './stark-curve.js'
import { preferStarkKeyPoint, starkKeyPoints } from './stark-key-points.js'

/** A Stark signature as two scalars, e.g. from `parseParadexSignatureHeader`. */
export interface StarkSignature {
  readonly r: bigint
  readonly s: bigint
}

export interface VerifyStarkSignatureInput {
  /** The SNIP-12 message hash, e.g. from `paradexRequestHash`. */
  readonly msgHash: bigint
  readonly signature: StarkSignature
  /** The stark key: the x-coordinate of the public point only. */
  readonly publicKey: bigint
}

/**
 * Why a Stark signature was refused.
 * - `signature_malformed`: not two integers (a non-bigint from untyped input).
 * - `signature_invalid`: out of StarkWare's ranges, a key that is no curve point, a hash outside
 *   the signable range, or simply not a signature of this hash by this key.
 */
export type StarkSignatureReason = 'signature_malformed' | 'signature_invalid'

const hex64 = (value: bigint): string => value.toString(16).padStart(64, '0')

/**
 * Verifies `signature` over `msgHash` for the stark key `publicKey`. The key names only x, so
 * both points (x, y) and (x, −y) are tried and either may verify: that is what StarkWare's
 * reference `verify` does for an int key (Paradex §2). The points come from a memo
 * (`stark-key-points.ts`), so a key seen before costs no square root and usually one check.
 *
 * @example
 * const hash = paradexRequestHash({ ... })
 * if (hash.ok) verifyStarkSignature({ msgHash: hash.value, signature: { r, s }, publicKey })
 */
export function verifyStarkSignature(input: VerifyStarkSignatureInput): Result<void, StarkSignatureReason> {
  const { msgHash, signature, publicKey } = input
  if (typeof signature?.r !== 'bigint' || typeof signature.s !== 'bigint') {
    return reject('signature_malformed')
  }
  const { r, s } = signature
  // Ranges before any curve math, and every one here: @scure/starknet throws on most of them,
  // and a RangeError must not be what stands between bad input and a 500.
  if (r < 1n || r >= STARK_SIGNATURE_BOUND || s < 1n || s >= STARK_N) return reject('signature_invalid')
  const w = invert(s, STARK_N)
  if (w < 1n || w >= STARK_SIGNATURE_BOUND) return reject('signature_invalid')
  if (typeof msgHash !== 'bigint' || msgHash < 0n || msgHash >= STARK_SIGNATURE_BOUND) {
    return reject('signature_invalid')
  }
  if (typeof publicKey !== 'bigint') return reject('signature_invalid')

  const points = starkKeyPoints(publicKey)
  if (points === null) return reject('signature_invalid')
  const sig = new Signature(r, s)
  const hash = hex64(msgHash)
  for (const [index, point] of points.entries()) {
    if (verifyOrFalse(sig, hash, point)) {
      if (index > 0) preferStarkKeyPoint(point)
      return ok(undefined)
    }
  }
  return reject('signature_invalid')
}

function verifyOrFalse(sig: InstanceType<typeof Signature>, hash: string, point: string): boolean {
  try {
    return verify(sig, hash, point)
  } catch {
    // Every documented throw (ranges) is checked above; anything left is a refusal, not a crash.
    return false
  }
}
