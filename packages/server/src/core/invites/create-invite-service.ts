import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import type { InviteStore } from '../ports.js'
import { randomBase62 } from '../random-base62.js'
import { hashSecret } from '../secret-token.js'

const DAY_MS = 86_400_000
const CODE_SHAPE = /^sgl_inv_[0-9A-Za-z]{20}$/

/**
 * Invite gating: with `invitesRequired`, a new wallet's account is `pending` (it can sign in and
 * read, not trade) until it redeems a code. Codes carry ≈119 bits, are printed once by
 * `sigil invites create`, and are stored as SHA-256 only.
 */
export function createInviteService(store: InviteStore, clock: Clock) {
  return {
    async create(request: { uses: number; expiresInDays?: number }): Promise<string> {
      const code = `sgl_inv_${randomBase62(20)}`
      const now = clock.now()
      await store.insert({
        codeHash: hashSecret(code),
        maxUses: request.uses,
        uses: 0,
        createdAt: now,
        ...(request.expiresInDays === undefined ? {} : { expiresAt: now + request.expiresInDays * DAY_MS }),
      })
      return code
    },

    async redeem(accountId: string, code: string): Promise<void> {
      const outcome = CODE_SHAPE.test(code)
        ? await store.redeem(hashSecret(code), accountId, clock.now())
        : 'invalid'
      if (outcome === 'already_active') throw new AuthError('ACCOUNT_ALREADY_ACTIVE')
      if (outcome === 'invalid') throw new AuthError('INVITE_INVALID')
    },
  }
}

export type InviteService = ReturnType<typeof createInviteService>
