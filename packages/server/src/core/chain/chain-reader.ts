import type { Address } from '../ports.js'

/** 0x-prefixed lower- or mixed-case hex. */
export type HexString = `0x${string}`

/**
 * What core asks of a chain (the port; `src/chain/` implements it over JSON-RPC). Read-only:
 * every call is an `eth_getCode` or an `eth_call`, and nothing is ever written on chain.
 *
 * Each method answers for one chain, the one the caller names (a SIWE message's Chain ID), never
 * another. A node that cannot be reached, times out, or answers with anything but a result or
 * an execution failure throws `AuthError('CHAIN_UNAVAILABLE')`: never `false`, never `true`.
 * A call that executes and reverts, or returns anything but the magic value, is `false`.
 */
export interface ChainReader {
  /** Whether a node is configured for the chain; without one, only ordinary (EOA) wallets sign in. */
  supports(chainId: number): boolean
  /** Whether the address holds code on the chain (a deployed contract wallet). */
  hasCode(chainId: number, address: Address): Promise<boolean>
  /** EIP-1271: `isValidSignature(hash, signature)` on the deployed contract returns 0x1626ba7e. */
  isValidSignature(chainId: number, address: Address, hash: HexString, signature: HexString): Promise<boolean>
  /**
   * EIP-6492: the signature is wrapped with a factory and its calldata; one deployless `eth_call`
   * runs the factory (when the account has no code) and then the EIP-1271 check, all simulated.
   */
  isValidCounterfactualSignature(
    chainId: number,
    address: Address,
    hash: HexString,
    signature: HexString,
  ): Promise<boolean>
}

/** A chain reader for a deployment with no RPC configured: no chain is supported. */
export const noChainReader: ChainReader = {
  supports: () => false,
  hasCode: () => Promise.reject(new Error('no chain configured')),
  isValidSignature: () => Promise.reject(new Error('no chain configured')),
  isValidCounterfactualSignature: () => Promise.reject(new Error('no chain configured')),
}
