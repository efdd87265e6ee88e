/**
 * The order n of the secp256k1 base point (SEC 2 v2 §2.4.1). Kept as a plain constant so that
 * signature range checks need no curve library; a test pins it to @noble/curves' value.
 */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/**
 * n/2 rounded down: EIP-2's bound for a canonical ("low") s. A signature with s above it is the
 * malleable twin (r, n − s, v ^ 1) of a low-s one.
 */
export const SECP256K1_HALF_N = SECP256K1_N >> 1n
