import type { HttpSignatureAlgorithm } from './signature-algorithms.js'

/**
 * What signs a request: the key's id (the `keyid` parameter), its algorithm, and a function that
 * signs the signature base's UTF-8 bytes. The function is all a signer needs of the private key,
 * so it can be noble (see `createHttpRequestSigner`), WebCrypto, an HSM or a remote KMS.
 *
 * `sign` must return the raw signature: Ed25519 64 bytes, P-256 `r ‖ s` 64 bytes (not DER),
 * HMAC-SHA256 32 bytes.
 */
export interface HttpRequestSigner {
  keyId: string
  alg: HttpSignatureAlgorithm
  sign(base: Uint8Array): Uint8Array | Promise<Uint8Array>
}
