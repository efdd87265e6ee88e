/**
 * `@sigil/client/signer`: signs every request of a client with an RFC 9421 key (Sigil API keys
 * registered with a public key). A separate entry point: the crypto it needs (@noble/curves, the
 * RFC 8941 serializer) stays out of the bundle of an app that only signs in with a wallet.
 */
export { createHmacRequestSigner, type HmacRequestSignerOptions } from './create-hmac-request-signer.js'
export { createRequestSigner, type RequestSignerOptions } from './create-request-signer.js'
export { generateRequestSigningKey, type RequestSigningKeyPair } from './generate-request-signing-key.js'
export { type NonceSource, randomNonce } from './sigil-request-signer.js'
export { type JwkLike, type PrivateSigningJwk, type PublicSigningJwk, publicJwkOf } from './signing-jwk.js'
export {
  createWebCryptoRequestSigner,
  type WebCryptoRequestSignerOptions,
} from './web-crypto-request-signer.js'
