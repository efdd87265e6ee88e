import { randomUUID } from 'node:crypto'
import type { AuditLog } from '../audit/create-audit-log.js'
import type { Clock } from '../clock.js'
import type { DialectSessionRevocations } from '../dialect.js'
import { AuthError } from '../errors.js'
import type { Identity } from '../identity.js'
import type { ParadexSubkey, ParadexSubkeyStore } from '../ports.js'
import { parsePublicKey } from './parse-starknet-input.js'

/**
 * Every token a subkey's auth mints carries this `sid`: revoking the subkey ends them all at once
 * (the revocation list, the bus), as revoking a session ends its tokens. The id is the row's, so a
 * key revoked and registered again is a new subkey whose tokens the old revocation does not touch.
 */
const SUBKEY_SESSION_PREFIX = 'paradex-subkey:'
export const subkeySessionId = (subkey: Pick<ParadexSubkey, 'id'>) => `${SUBKEY_SESSION_PREFIX}${subkey.id}`

/** Where the gateway reads subkey revocations when the bus may have missed one, and at boot. */
export const subkeySessionRevocations = (store: ParadexSubkeyStore): DialectSessionRevocations => ({
  prefix: SUBKEY_SESSION_PREFIX,
  async isRevoked(sessionId) {
    const subkey = await store.findById(sessionId.slice(SUBKEY_SESSION_PREFIX.length))
    return subkey?.revokedAt !== undefined || subkey === undefined
  },
  async revokedSince(since) {
    return (await store.listRevokedSince(since)).map(({ id, revokedAt }) => ({
      sessionId: subkeySessionId({ id }),
      revokedAt,
    }))
  },
})

const NAME_MAX = 100

/** A subkey name: printable text, 1 to 100 characters (Paradex requires one; it sets no bound). */
function parseName(name: string | undefined): string {
  const trimmed = name?.trim() ?? ''
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (trimmed.length === 0 || trimmed.length > NAME_MAX || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new AuthError('VALIDATION_FAILED', `name: 1 to ${NAME_MAX} printable characters`, {
      detail: 'name',
    })
  }
  return trimmed
}

/**
 * Only the account's own key manages its subkeys. The routes already require the `keys` scope,
 * which only a main-key Paradex JWT holds; this says it again where the rule lives, and says
 * SUBKEY_FORBIDDEN rather than a bare missing scope when a subkey tries.
 */
function managerOf(identity: Identity): string {
  if (identity.subkey !== undefined) throw new AuthError('SUBKEY_FORBIDDEN', 'a subkey cannot manage keys')
  if (!identity.scopes.includes('keys')) throw new AuthError('SCOPE_MISSING', 'needs keys')
  return identity.accountId
}

/** Paradex subkeys (Paradex §7): register, list, get, rename and revoke, by the main key only. */
export function createParadexSubkeyService(deps: {
  store: ParadexSubkeyStore
  audit: AuditLog
  clock: Clock
  maxPerAccount: number
  endSessions(sessionIds: readonly string[], at: number): Promise<void>
}) {
  const { store, clock } = deps

  const findActive = async (accountId: string, publicKeyText: string | undefined) => {
    const publicKey = parsePublicKey(publicKeyText)
    const subkey = await store.findActive(accountId, publicKey.hex)
    if (!subkey) throw new AuthError('SUBKEY_NOT_FOUND', 'no active subkey with that public key')
    return subkey
  }

  return {
    /** `POST /v1/account/keys/subkeys`: a new active subkey, at most `maxPerAccount` live ones. */
    async register(
      identity: Identity,
      input: { name?: string | undefined; publicKey?: string | undefined },
    ): Promise<ParadexSubkey> {
      const accountId = managerOf(identity)
      const publicKey = parsePublicKey(input.publicKey)
      const name = parseName(input.name)
      const now = clock.now()
      const subkey = {
        id: randomUUID(),
        accountId,
        publicKey: publicKey.hex,
        name,
        createdAt: now,
        updatedAt: now,
      }
      const outcome = await store.insert(subkey, { maxActivePerAccount: deps.maxPerAccount })
      if (outcome === 'exists')
        throw new AuthError('SUBKEY_EXISTS', 'already an active subkey of this account')
      if (outcome === 'limit_reached') {
        throw new AuthError('SUBKEY_LIMIT_REACHED', `at most ${deps.maxPerAccount} active subkeys`)
      }
      await deps.audit.record({
        type: 'subkey.registered',
        accountId,
        detail: { subkey_id: subkey.id, public_key: subkey.publicKey },
      })
      return subkey
    },

    async list(identity: Identity, withRevoked: boolean): Promise<ParadexSubkey[]> {
      return store.listOfAccount(managerOf(identity), { withRevoked })
    },

    async get(identity: Identity, publicKey: string | undefined): Promise<ParadexSubkey> {
      return findActive(managerOf(identity), publicKey)
    },

    async rename(identity: Identity, publicKeyText: string | undefined, nameText: string | undefined) {
      const accountId = managerOf(identity)
      const { hex } = parsePublicKey(publicKeyText)
      const renamed = await store.rename(accountId, hex, parseName(nameText), clock.now())
      if (!renamed) throw new AuthError('SUBKEY_NOT_FOUND', 'no active subkey with that public key')
      return renamed
    },

    /** Revokes the subkey: its auth stops now, and so do the tokens it already holds, everywhere. */
    async revoke(identity: Identity, publicKeyText: string | undefined): Promise<ParadexSubkey> {
      const accountId = managerOf(identity)
      const { hex } = parsePublicKey(publicKeyText)
      const now = clock.now()
      const revoked = await store.revoke(accountId, hex, now)
      if (!revoked) throw new AuthError('SUBKEY_NOT_FOUND', 'no active subkey with that public key')
      await deps.endSessions([subkeySessionId(revoked)], now)
      await deps.audit.record({
        type: 'subkey.revoked',
        accountId,
        detail: { subkey_id: revoked.id, public_key: revoked.publicKey },
      })
      return revoked
    },
  }
}

export type ParadexSubkeyService = ReturnType<typeof createParadexSubkeyService>
