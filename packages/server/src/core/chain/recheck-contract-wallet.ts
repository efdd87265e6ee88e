import type { ContractWalletCheck } from '../ports.js'
import type { ChainReader } from './chain-reader.js'
import { isErc6492Signature } from './decide-signature-path.js'

/**
 * Whether a contract wallet still accepts the signature it signed in with, on the chain's current
 * state (a refresh asks this: owners change). Always on the sign-in message's own chain; one
 * `eth_call`, no `eth_getCode`:
 *
 * - a plain signature: EIP-1271 `isValidSignature` on the stored hash. A contract that no longer
 *   has code answers nothing, which is not the magic value: refused.
 * - an EIP-6492 wrapped signature: the same deployless call as at sign-in. The ERC-6492 reference
 *   validator runs the factory only while the account has no code; once the account is deployed it
 *   calls the deployed wallet's `isValidSignature` with the unwrapped signature, i.e. a plain
 *   EIP-1271 check of the same hash on the wallet's current state, without a second round trip.
 *
 * A chain that no longer has a node (configuration changed) cannot vouch: false, as at sign-in,
 * where such a chain signs in ordinary wallets only. Outages throw CHAIN_UNAVAILABLE (the
 * reader's contract): never false.
 */
export async function recheckContractWallet(
  check: ContractWalletCheck,
  chains: ChainReader,
): Promise<boolean> {
  const { chainId, address, hash, signature } = check
  if (!chains.supports(chainId)) return false
  return isErc6492Signature(signature)
    ? chains.isValidCounterfactualSignature(chainId, address, hash, signature)
    : chains.isValidSignature(chainId, address, hash, signature)
}
