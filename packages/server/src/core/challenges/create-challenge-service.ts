import { randomBytes } from 'node:crypto'
import { isEip55Address } from '@sigil/protocol'
import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import type { Address, Challenge, ChallengeStore } from '../ports.js'

export interface ChallengeServiceOptions {
  ttlMs: number
}

export interface ChallengeService {
  issue(request: { purpose: string; address?: Address }): Promise<Challenge>
  /** Burns the nonce for this sign-in or throws the precise reason it cannot be used. */
  consume(nonce: string, expect: { purpose: string; address: Address }): Promise<Challenge>
}

const NONCE_BYTES = 16

/** Single-use server nonces (EIP-4361 §"nonce"): 128 bits from the CSPRNG, hex so that SIWE's alphanumeric grammar holds. */
export function createChallengeService(
  store: ChallengeStore,
  clock: Clock,
  options: ChallengeServiceOptions,
): ChallengeService {
  return {
    async issue({ purpose, address }) {
      // Mixed case means the client claims an EIP-55 checksum: it must be right (a typo'd address
      // would bind the nonce to a wallet nobody controls).
      if (address && /[a-f]/.test(address.slice(2)) && /[A-F]/.test(address) && !isEip55Address(address)) {
        throw new AuthError('VALIDATION_FAILED', 'bad checksum', {
          detail: 'address is not a valid EIP-55 checksum address',
        })
      }
      const now = clock.now()
      const challenge: Challenge = {
        nonce: randomBytes(NONCE_BYTES).toString('hex'),
        purpose,
        createdAt: now,
        expiresAt: now + options.ttlMs,
        ...(address ? { address: address.toLowerCase() as Address } : {}),
      }
      await store.insert(challenge)
      return challenge
    },

    async consume(nonce, expect) {
      const outcome = await store.consume(nonce, {
        purpose: expect.purpose,
        address: expect.address.toLowerCase() as Address,
        now: clock.now(),
      })
      switch (outcome.status) {
        case 'consumed':
          return outcome.challenge
        case 'used':
          throw new AuthError('NONCE_USED')
        case 'expired':
          throw new AuthError('NONCE_EXPIRED')
        case 'address_mismatch':
          throw new AuthError('NONCE_MISMATCH', 'nonce is bound to another address')
        case 'unknown':
          throw new AuthError('NONCE_UNKNOWN')
      }
    },
  }
}
