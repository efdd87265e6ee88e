/**
 * The two secp256k1/keccak primitives that Ethereum signature recovery needs, behind one small
 * contract so the server can plug in native libsecp256k1 while the browser SDK keeps @noble.
 * Implementations get inputs that are already shape- and range-checked by the caller, and their
 * methods may be called detached (`parseSiweMessage` takes `keccak256` alone), so they must not
 * depend on `this`. `keccak256` must not keep a reference to its input (callers reuse buffers).
 */
export interface EvmCrypto {
  /** A short name for logs and benchmarks, e.g. `noble` or `native`. */
  readonly name: string
  keccak256(data: Uint8Array): Uint8Array
  /**
   * Recovers the signer's 65-byte uncompressed public key (0x04 ‖ x ‖ y) from a 32-byte hash, the
   * 64-byte compact signature r ‖ s and the recovery bit; null when no valid key recovers.
   */
  recoverPublicKey(hash: Uint8Array, signature: Uint8Array, recovery: 0 | 1): Uint8Array | null
}
