import type { AuditLog } from './audit/create-audit-log.js'
import type { InviteService } from './invites/create-invite-service.js'
import type { IsolatedAccountService } from './isolated-accounts/create-isolated-account-service.js'
import type { Address, AuditEvent, AuditStore, StoredSigningKey, Stores } from './ports.js'
import type { KeyRing, ScheduledKey } from './tokens/create-key-ring.js'

/**
 * What the operator does from the CLI (`sigil keys`, `invites`, `audit`, `isolated-accounts`):
 * the same services the server runs, through the same composition root, so a rule (the signing
 * keys' retention, the master key, a link limit) is computed once for both.
 */
export function createOperatorActions(deps: {
  keyRing: KeyRing
  /** Tells running servers that the active key changed. */
  onRotated(): Promise<void>
  stores: Pick<Stores, 'signingKeys' | 'accounts'>
  invites: InviteService
  audit: AuditLog
  isolatedAccounts: IsolatedAccountService
}) {
  return {
    /**
     * A new signing key, published by every running server at once (the bus) and signing once
     * `signingKeyLeadSeconds` have passed; `immediate` (a compromised key): signing now.
     */
    async rotateSigningKey(options: { immediate?: boolean } = {}): Promise<ScheduledKey> {
      const scheduled = await deps.keyRing.rotate(options)
      await deps.onRotated()
      return scheduled
    },
    /** Every stored key, newest first; never generates one. */
    async listSigningKeys(): Promise<StoredSigningKey[]> {
      return (await deps.stores.signingKeys.list()).reverse()
    },
    createInvite: (request: { uses: number; expiresInDays?: number }): Promise<string> =>
      deps.invites.create(request),
    /** Security events, oldest first. */
    auditEvents: (filter: Parameters<AuditStore['query']>[0]): Promise<AuditEvent[]> =>
      deps.audit.query(filter),
    /** The account id behind a wallet address (`0x…`), or the id itself; undefined for an unknown address. */
    async accountIdOf(accountOrAddress: string): Promise<string | undefined> {
      if (!accountOrAddress.startsWith('0x')) return accountOrAddress
      return (await deps.stores.accounts.findByAddress(accountOrAddress as Address))?.id
    },
    isolatedAccounts: deps.isolatedAccounts,
  }
}

export type OperatorActions = ReturnType<typeof createOperatorActions>
