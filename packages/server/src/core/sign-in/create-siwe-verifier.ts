import type { EvmCrypto } from '@sigil/protocol'
import type { ChainReader } from '../chain/chain-reader.js'
import type { ChallengeService } from '../challenges/create-challenge-service.js'
import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import type { Account, AccountStore, Address, ContractWalletCheck } from '../ports.js'
import type { AccountStatus } from '../scopes.js'
import { checkSiweMessage, type SiweBinding, verifySiweSignature } from './siwe-checks.js'

export type { SiweBinding } from './siwe-checks.js'

export interface SiweProof {
  message: string
  signature: string
}

export interface SiweVerifier {
  /**
   * Checks the proof and returns the signer's account (created at first sign-in), and whether a
   * contract wallet vouched for it (with the check a refresh repeats). `beforeChainCall` runs
   * before the first RPC, if any.
   */
  verify(
    proof: SiweProof,
    options?: { beforeChainCall?: () => Promise<void> },
  ): Promise<{ account: Account; contractWallet?: ContractWalletCheck }>
}

/**
 * Sign-In with Ethereum (EIP-4361 over EIP-191), in the order that keeps it cheap and unforgeable:
 * strict parse and binding checks (free, stateless) → signature shape (free) → atomic nonce
 * consumption (one store write; exactly one racer wins, before any curve math so a replay costs us
 * nothing) → key recovery over the exact bytes received → only if that does not yield the address,
 * EIP-6492 / EIP-1271 on the message's own chain (`chains`) → account.
 */
export function createSiweVerifier(deps: {
  challenges: ChallengeService
  accounts: AccountStore
  evmCrypto: EvmCrypto
  clock: Clock
  binding: SiweBinding
  purpose: string
  /** Contract wallets (EIP-1271/6492); absent or without a node for a chain: EOAs only there. */
  chains?: ChainReader | undefined
  /** `pending` when invites are required: the account exists but cannot trade yet. */
  newAccountStatus: AccountStatus
}): SiweVerifier {
  const { binding } = deps
  return {
    async verify({ message, signature }, options = {}) {
      const fields = checkSiweMessage(message, signature, binding, deps.clock.now(), {
        evmCrypto: deps.evmCrypto,
        chains: deps.chains,
      })

      const address = fields.address as Address
      const challenge = await deps.challenges.consume(fields.nonce, { purpose: deps.purpose, address })
      // A message cannot have been written before its nonce existed (allowing for clock skew).
      if (fields.issuedAtMs < challenge.createdAt - binding.issuedAtSkewMs) {
        throw new AuthError('ISSUED_AT_INVALID', 'issued before its nonce', {
          detail: 'issued_at_before_nonce',
        })
      }

      const verdict = await verifySiweSignature(
        { message, signature, address, chainId: fields.chainId },
        {
          evmCrypto: deps.evmCrypto,
          chains: deps.chains,
          ...(options.beforeChainCall ? { beforeChainCall: options.beforeChainCall } : {}),
        },
      )
      const account = await deps.accounts.findOrCreateByAddress(
        address,
        deps.clock.now(),
        deps.newAccountStatus,
      )
      return verdict.contractWallet ? { account, contractWallet: verdict.check } : { account }
    },
  }
}
