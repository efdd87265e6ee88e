export * from './agent-authorization/index.js'
export { ERROR_CODES, type ErrorCode } from './error-codes.js'
export { bytesEqual } from './evm/bytes-equal.js'
export { addressToBytes, isEip55Address, toChecksumAddress } from './evm/eip55.js'
export type { EvmCrypto } from './evm/evm-crypto.js'
export { hashPersonalMessage } from './evm/hash-personal-message.js'
export { keccak256 } from './evm/keccak256.js'
export { nobleEvmCrypto } from './evm/noble-evm-crypto.js'
export { type ParsedSignature, parseSignature } from './evm/parse-signature.js'
export { publicKeyToAddress } from './evm/public-key-to-address.js'
export { recoverDigestSigner } from './evm/recover-digest-signer.js'
export { recoverPersonalMessageSigner } from './evm/recover-personal-message-signer.js'
export { SECP256K1_HALF_N, SECP256K1_N } from './evm/secp256k1-order.js'
export type { SignatureReason } from './evm/signature-reason.js'
export {
  buildSignatureBase,
  type ContentDigestAlgorithm,
  type ContentDigestReason,
  canonicalFieldValue,
  createContentDigest,
  createHttpRequestSigner,
  generateHttpSigningKey,
  HTTP_SIGNATURE_ALGORITHMS,
  type HttpRequestSigner,
  type HttpSignatureAlgorithm,
  type HttpSignatureKey,
  type HttpSignatureReason,
  httpSignatureAlgorithmOf,
  httpSignatureKeyOf,
  httpSigningPublicKey,
  MAX_SIGNATURE_FIELD_LENGTH,
  normaliseAuthority,
  type PublicKeyJwk,
  type PublicKeyJwkReason,
  parseContentDigest,
  parsePublicKeyJwk,
  parseSignatureInput,
  parseSignatures,
  SIGIL_REQUIRED_COMPONENTS,
  type SignatureInputMember,
  type SignedHttpHeaders,
  type SignedRequest,
  type SignHttpRequestOptions,
  signHttpRequest,
  type VerifiedHttpSignature,
  type VerifyHttpSignatureOptions,
  verifyContentDigest,
  verifyHttpSignature,
} from './http-signatures/index.js'
export { type AccessTokenClaims, MAX_ISOLATED_ACCOUNTS } from './jwt/access-token-claims.js'
export { createJwks, type JsonWebKeySet, type JwksEntry } from './jwt/create-jwks.js'
export { generateSigningKey, type SigningKeyPair } from './jwt/generate-signing-key.js'
export { type ImportedSigningKey, importSigningKey } from './jwt/import-signing-key.js'
export { accessTokenPayload, signAccessToken } from './jwt/sign-access-token.js'
export {
  signVerifyAssertion,
  VERIFY_ASSERTION_TYPE,
  type VerifyAssertionClaims,
} from './jwt/sign-verify-assertion.js'
export { isSigningAlgorithm, SIGNING_ALGORITHMS, type SigningAlgorithm } from './jwt/signing-algorithm.js'
export {
  ACCESS_TOKEN_REASONS,
  type AccessTokenReason,
  MAX_ACCESS_TOKEN_LENGTH,
  type VerificationKey,
  type VerifyAccessTokenOptions,
  type VerifyAccessTokenResult,
  verifyAccessToken,
} from './jwt/verify-access-token.js'
export { ok, type Result, reject } from './result.js'
export { createSiweMessage } from './siwe/create-siwe-message.js'
export {
  type ParseSiweMessageOptions,
  parseSiweMessage,
  SIWE_PARSE_DEFAULTS,
} from './siwe/parse-siwe-message.js'
export { parseRfc3339 } from './siwe/rfc3339.js'
export { type Authority, isAuthority, isUri, parseAuthority } from './siwe/rfc3986.js'
export type { SiweMessage, SiweMessageFields, SiweParseReason } from './siwe/siwe-message.js'
export {
  type SiweExpectations,
  type SiweValidationReason,
  validateSiweMessage,
} from './siwe/validate-siwe-message.js'
export {
  type DeriveParadexAccountAddressInput,
  deriveParadexAccountAddress,
  PARADEX_TESTNET_ACCOUNT_CLASS_HASHES,
  type ParadexAccountClassHashes,
} from './starknet/account-address.js'
export {
  type DeriveParadexEvmAccountAddressInput,
  deriveParadexEvmAccountAddress,
  PARADEX_TESTNET_EVM_ACCOUNT_CLASS_HASH,
} from './starknet/evm-account-address.js'
export {
  type FeltInput,
  feltToHex,
  parseHexFelt,
  STARK_P,
  shortString,
  toFelt,
  toFelts,
} from './starknet/felt.js'
export {
  PARADEX_AUTH_REQUEST,
  PARADEX_DOMAIN_NAME,
  PARADEX_DOMAIN_VERSION,
  PARADEX_ONBOARDING_TYPE,
  PARADEX_REQUEST_TYPE,
  type ParadexOnboardingHashInput,
  type ParadexRequestHashInput,
  paradexOnboardingHash,
  paradexRequestHash,
} from './starknet/paradex-typed-data.js'
export {
  MAX_SIGNATURE_HEADER_LENGTH,
  parseParadexSignatureHeader,
} from './starknet/parse-paradex-signature-header.js'
export { parseStarkKey } from './starknet/parse-stark-key.js'
export { warmUpPedersen } from './starknet/pedersen.js'
export { STARK_N, STARK_SIGNATURE_BOUND } from './starknet/stark-curve.js'
export {
  domainHash,
  foldPedersen,
  hashOnElements,
  type MessageHashInput,
  messageHash,
  pedersen,
  STARKNET_DOMAIN_TYPE,
  STARKNET_MESSAGE_PREFIX,
  type StarknetDomain,
  structHash,
  typeHash,
} from './starknet/typed-data-hash.js'
export {
  type StarkSignature,
  type StarkSignatureReason,
  type VerifyStarkSignatureInput,
  verifyStarkSignature,
} from './starknet/verify-stark-signature.js'
export { warmUpStarknet } from './starknet/warm-up.js'
