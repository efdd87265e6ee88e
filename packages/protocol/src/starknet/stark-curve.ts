/**
 * Constants of StarkWare's ECDSA over the Stark curve (y² = x³ + x + β mod P) that the range
 * checks need without any curve library (Paradex §1, §2). A test pins them to @scure/starknet.
 */

/** Order n of the Stark curve's generator. */
export const STARK_N = 0x0800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2fn

/** 2^251: StarkWare's exclusive upper bound for msgHash, r and w = s⁻¹ mod n. */
export const STARK_SIGNATURE_BOUND = 2n ** 251n
