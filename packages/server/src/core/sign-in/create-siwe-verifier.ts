import {
  addressToBytes,
  bytesEqual,
  type EvmCrypto,
  parseSignature,
  parseSiweMessage,
  recoverPersonalMessageSigner,
  type SignatureReason,
  type SiweValidationReason,
  validateSiweMessage,
} from '@sigil/protocol'
import type { ChallengeService } from '../challenges/create-challenge-service.js'
import type { Clock } from '../clock.js'
import { AuthError, type AuthErrorCode } from '../errors.js'
import type { Account, AccountStore, Address } from '../ports.js'
import type { AccountStatus } from '../scopes.js'

/** What a SIWE message must say to sign in here; from configuration only, never from the request. */
export interface SiweBinding {
  /** RFC 3986 authority, with the port when it is not the scheme's default. */
  domain: string
  scheme: 'https' | 'http'
  uri: string
  chainIds: readonly number[]
  issuedAtSkewMs: number
  /** Oldest acceptable Issued At: the nonce TTL, since no valid message can predate its nonce. */
  maxAgeMs: number
  /** When set, a message must carry an Expiration Time at most this long after Issued At (OCX). */
  expirationRequiredWithinMs?: number
}

export interface SiweProof {
  message: string
  signature: string
}

export interface SiweVerifier {
  /** Checks the proof and returns the signer's account (created at first sign-in). */
  verify(proof: SiweProof): Promise<Account>
}

const validationCode = {
  domain_mismatch: 'DOMAIN_MISMATCH',
  scheme_mismatch: 'SCHEME_MISMATCH',
  uri_mismatch: 'URI_MISMATCH',
  chain_not_allowed: 'CHAIN_NOT_ALLOWED',
  expired: 'MESSAGE_EXPIRED',
  not_yet_valid: 'MESSAGE_NOT_YET_VALID',
  issued_at_in_future: 'ISSUED_AT_INVALID',
  issued_at_too_old: 'ISSUED_AT_INVALID',
  // Issued At or Not Before at or after Expiration Time: a window that is already closed.
  time_window_invalid: 'MESSAGE_EXPIRED',
} as const satisfies Record<SiweValidationReason, AuthErrorCode>

const signatureCode = {
  signature_malformed: 'SIGNATURE_MALFORMED',
  signature_invalid: 'INVALID_SIGNATURE',
  signature_not_canonical: 'SIGNATURE_NOT_CANONICAL',
} as const satisfies Record<SignatureReason, AuthErrorCode>

/**
 * Sign-In with Ethereum (EIP-4361 over EIP-191), in the order that keeps it cheap and unforgeable:
 * strict parse and binding checks (free, stateless) → signature shape (free) → atomic nonce
 * consumption (one store write; exactly one racer wins, before any curve math so a replay costs us
 * nothing) → key recovery over the exact bytes received → account.
 */
export function createSiweVerifier(deps: {
  challenges: ChallengeService
  accounts: AccountStore
  evmCrypto: EvmCrypto
  clock: Clock
  binding: SiweBinding
  purpose: string
  /** `pending` when invites are required: the account exists but cannot trade yet. */
  newAccountStatus: AccountStatus
}): SiweVerifier {
  const { binding } = deps
  return {
    async verify({ message, signature }) {
      const parsed = parseSiweMessage(message)
      if (!parsed.ok) throw new AuthError('INVALID_SIWE_MESSAGE', parsed.reason, { detail: parsed.reason })
      const fields = parsed.value

      const valid = validateSiweMessage(fields, { ...binding, now: deps.clock.now() })
      if (!valid.ok) throw new AuthError(validationCode[valid.reason], valid.reason, { detail: valid.reason })
      if (binding.expirationRequiredWithinMs !== undefined) {
        const { expirationTimeMs, issuedAtMs } = fields
        if (expirationTimeMs === undefined) {
          throw new AuthError('INVALID_SIWE_MESSAGE', 'no expiration', { detail: 'expiration_time_required' })
        }
        if (expirationTimeMs - issuedAtMs > binding.expirationRequiredWithinMs) {
          throw new AuthError('INVALID_SIWE_MESSAGE', 'expiration too far', {
            detail: 'expiration_time_too_far',
          })
        }
      }

      const shape = parseSignature(signature)
      if (!shape.ok) throw new AuthError(signatureCode[shape.reason], shape.reason, { detail: shape.reason })

      const address = fields.address as Address
      const challenge = await deps.challenges.consume(fields.nonce, { purpose: deps.purpose, address })
      // A message cannot have been written before its nonce existed (allowing for clock skew).
      if (fields.issuedAtMs < challenge.createdAt - binding.issuedAtSkewMs) {
        throw new AuthError('ISSUED_AT_INVALID', 'issued before its nonce', {
          detail: 'issued_at_before_nonce',
        })
      }

      const signer = recoverPersonalMessageSigner(message, signature, deps.evmCrypto)
      if (!signer.ok) throw new AuthError(signatureCode[signer.reason], signer.reason)
      if (!bytesEqual(signer.value, addressToBytes(address))) {
        throw new AuthError('INVALID_SIGNATURE', 'recovered signer is not the message address')
      }
      return deps.accounts.findOrCreateByAddress(address, deps.clock.now(), deps.newAccountStatus)
    },
  }
}
