export { buildSignatureBase, canonicalFieldValue, normaliseAuthority } from './build-signature-base.js'
export {
  type ContentDigestAlgorithm,
  type ContentDigestReason,
  createContentDigest,
  parseContentDigest,
  verifyContentDigest,
} from './content-digest.js'
export {
  createHttpRequestSigner,
  type HttpRequestSignerKey,
} from './create-http-request-signer.js'
export {
  type AsymmetricHttpSignatureAlgorithm,
  generateHttpSigningKey,
  type HttpSigningKeyPair,
} from './generate-http-signing-key.js'
export type { HttpRequestSigner } from './http-request-signer.js'
export { httpSigningPublicKey } from './http-signing-public-key.js'
export {
  MAX_SIGNATURE_FIELD_LENGTH,
  parseSignatureInput,
  parseSignatures,
  type SignatureInputMember,
} from './parse-signature-fields.js'
export {
  httpSignatureAlgorithmOf,
  httpSignatureKeyOf,
  type PublicKeyJwk,
  type PublicKeyJwkReason,
  parsePublicKeyJwk,
} from './public-key-jwk.js'
export {
  type SignedHttpHeaders,
  type SignedHttpRequest,
  type SignHttpRequestOptions,
  type SignHttpRequestReason,
  signHttpRequest,
} from './sign-http-request.js'
export {
  HTTP_SIGNATURE_ALGORITHMS,
  type HttpSignatureAlgorithm,
  type HttpSignatureKey,
} from './signature-algorithms.js'
export type { SignedRequest } from './signed-request.js'
export {
  type HttpSignatureReason,
  SIGIL_REQUIRED_COMPONENTS,
  type VerifiedHttpSignature,
  type VerifyHttpSignatureOptions,
  verifyHttpSignature,
} from './verify-http-signature.js'
