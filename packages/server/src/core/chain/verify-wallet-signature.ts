import {
  addressToBytes,
  bytesEqual,
  type EvmCrypto,
  parseSignature,
  recoverDigestSigner,
  type SignatureReason,
} from '@sigil/protocol'
import { AuthError, type AuthErrorCode } from '../errors.js'
import type { Address, ContractWalletCheck } from '../ports.js'
import type { ChainReader, HexString } from './chain-reader.js'
import { decideSignaturePath, isContractSignatureShape, type LocalOutcome } from './decide-signature-path.js'

export const signatureCode = {
  signature_malformed: 'SIGNATURE_MALFORMED',
  signature_invalid: 'INVALID_SIGNATURE',
  signature_not_canonical: 'SIGNATURE_NOT_CANONICAL',
} as const satisfies Record<SignatureReason, AuthErrorCode>

/**
 * The free check of a wallet's signature, before any nonce is spent: a canonical 65-byte one, or,
 * when a node is configured for `chainId` (contract wallets), any well-formed bounded hex that
 * the wallet's contract will judge. Throws the local reason otherwise.
 */
export function checkWalletSignatureShape(
  signature: string,
  chainId: number,
  chains?: Pick<ChainReader, 'supports'>,
): void {
  const shape = parseSignature(signature)
  if (shape.ok) return
  if (chains?.supports(chainId) && isContractSignatureShape(signature)) return
  throw new AuthError(signatureCode[shape.reason], shape.reason, { detail: shape.reason })
}

const toHex = (bytes: Uint8Array): HexString => `0x${Buffer.from(bytes).toString('hex')}`

/**
 * Whether `address` signed `digest` (an EIP-191 or EIP-712 hash), ordinary and contract wallets
 * alike, in Sigil's order (`decideSignaturePath`): local recovery first (no RPC for an ordinary
 * wallet; low-s only); only when that does not yield the address, and a node is configured for
 * `chainId`, EIP-6492 (wrapped signature) or EIP-1271 (deployed code) through the chain reader.
 * `beforeChainCall` runs once before the first RPC (the per-IP budget of RPC-backed attempts).
 *
 * Returns whether a contract vouched for the signature (its validity depends on chain state) and,
 * then, the check a refresh can repeat. Throws INVALID_SIGNATURE (or the local shape reason) when
 * refused, and lets the reader's CHAIN_UNAVAILABLE through: an outage is never a refusal nor a
 * success.
 */
export async function verifyWalletSignature(
  input: { digest: Uint8Array; signature: string; address: Address; chainId: number },
  deps: { evmCrypto: EvmCrypto; chains?: ChainReader | undefined; beforeChainCall?: () => Promise<void> },
): Promise<{ contractWallet: false } | { contractWallet: true; check: ContractWalletCheck }> {
  const { digest, signature, address, chainId } = input
  const signer = recoverDigestSigner(digest, signature, deps.evmCrypto)
  const local: LocalOutcome = !signer.ok
    ? 'not-recoverable'
    : bytesEqual(signer.value, addressToBytes(address))
      ? 'signer'
      : 'other-signer'
  const chains = deps.chains
  const decision = decideSignaturePath({
    local,
    chainSupported: chains?.supports(chainId) ?? false,
    signature,
  })
  if (decision.path === 'accept') return { contractWallet: false }
  if (decision.path === 'refuse-local' || !chains) {
    if (!signer.ok) throw new AuthError(signatureCode[signer.reason], signer.reason)
    throw new AuthError('INVALID_SIGNATURE', 'recovered signer is not the claimed address')
  }

  await deps.beforeChainCall?.()
  const hash = toHex(digest)
  const sig = signature as HexString
  let valid: boolean
  if (decision.path === 'erc6492') {
    valid = await chains.isValidCounterfactualSignature(chainId, address, hash, sig)
  } else {
    if (!(await chains.hasCode(chainId, address))) {
      throw new AuthError('INVALID_SIGNATURE', 'not the signer, and no contract at the address')
    }
    valid = await chains.isValidSignature(chainId, address, hash, sig)
  }
  if (!valid)
    throw new AuthError('INVALID_SIGNATURE', `contract wallet refused the signature (${decision.path})`)
  return { contractWallet: true, check: { chainId, address, hash, signature: sig } }
}
