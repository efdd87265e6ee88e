/**
 * `@sigil/protocol/siwe`: what a client needs to build the message a wallet signs, and nothing
 * else. A browser bundle that imports this entry gets the EIP-4361 grammar and Keccak-256 (for
 * EIP-55), not jose, the secp256k1 curve or the Starknet tables the package root pulls in.
 */
export { isEip55Address, toChecksumAddress } from '../evm/eip55.js'
export { createSiweMessage } from './create-siwe-message.js'
export {
  type ParseSiweMessageOptions,
  parseSiweMessage,
  SIWE_PARSE_DEFAULTS,
} from './parse-siwe-message.js'
export type { SiweMessage, SiweMessageFields, SiweParseReason } from './siwe-message.js'
