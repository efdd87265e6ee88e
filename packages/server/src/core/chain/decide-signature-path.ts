/**
 * Which check decides a SIWE signature, in Sigil's order (pure; the caller runs the steps):
 *
 * 1. A 65-byte signature in canonical form is recovered locally (EIP-191). If it yields the
 *    message's address, the wallet is an ordinary one and no chain is asked anything.
 * 2. Otherwise, without a node for the message's chain, the local verdict stands (a contract
 *    wallet cannot sign in on a chain without a configured RPC).
 * 3. Otherwise, a signature ending with the EIP-6492 magic suffix is a counterfactual account's:
 *    one deployless `eth_call` (factory deployment + EIP-1271, simulated).
 * 4. Otherwise EIP-1271 `isValidSignature` on the address, only if it holds code; no code: invalid.
 */

/** bytes32 of 0x6492 repeated: the suffix of an EIP-6492 wrapped signature. */
export const ERC6492_MAGIC_SUFFIX = '6492'.repeat(16)

/** Largest signature accepted for a contract wallet, in bytes (a 6492 wrapper carries factory calldata). */
export const MAX_CONTRACT_SIGNATURE_BYTES = 8192

const HEX = /^0x(?:[0-9a-fA-F]{2})*$/

/** Whether the text is a well-formed, non-empty, bounded hex signature a contract could check. */
export function isContractSignatureShape(signature: unknown): signature is `0x${string}` {
  return (
    typeof signature === 'string' &&
    signature.length > 2 &&
    signature.length <= 2 + 2 * MAX_CONTRACT_SIGNATURE_BYTES &&
    HEX.test(signature)
  )
}

export const isErc6492Signature = (signature: string) =>
  signature.length >= 2 + 64 && signature.slice(-64).toLowerCase() === ERC6492_MAGIC_SUFFIX

export type LocalOutcome =
  /** Recovered, and the signer is the message's address. */
  | 'signer'
  /** Recovered, to another address. */
  | 'other-signer'
  /** Not a canonical 65-byte ECDSA signature (any other length, high s, bad v, off-curve). */
  | 'not-recoverable'

export type SignaturePath =
  | { path: 'accept' }
  /** Refuse with the local reason (no chain to ask). */
  | { path: 'refuse-local' }
  | { path: 'erc6492' }
  | { path: 'erc1271' }

export function decideSignaturePath(input: {
  local: LocalOutcome
  /** A node is configured for the message's chain. */
  chainSupported: boolean
  signature: string
}): SignaturePath {
  if (input.local === 'signer') return { path: 'accept' }
  if (!input.chainSupported || !isContractSignatureShape(input.signature)) return { path: 'refuse-local' }
  if (isErc6492Signature(input.signature)) return { path: 'erc6492' }
  return { path: 'erc1271' }
}
