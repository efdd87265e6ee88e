import type { ApiKeyBrand } from './api-keys/api-key-secret.js'
import type {
  ApiKeyService,
  NewApiKeyRequest,
  PublicKeyApiKeyRequest,
} from './api-keys/create-api-key-service.js'
import type { AuditLog } from './audit/create-audit-log.js'
import { AuthError } from './errors.js'
import type { Identity } from './identity.js'
import type { InviteService } from './invites/create-invite-service.js'
import type { Account, AuditEvent } from './ports.js'
import type { ApiKeyChange } from './revocation/revocation-bus.js'
import type { SessionService } from './sessions/create-session-service.js'

/**
 * What a signed-in account does with its own credentials, each change written to the audit log.
 * Transports call these with the request's identity; the rules (own resources only, audit, the
 * one-time secret) live here, not in handlers.
 */
export function createAccountActions(deps: {
  sessions: SessionService
  apiKeys: ApiKeyService
  invites: InviteService
  audit: AuditLog
  findAccount(accountId: string): Promise<Account>
  /** Told after a key is revoked or rotated (the revocation bus: its WebSockets, on every replica). */
  onApiKeyChanged?(keyId: string, change: ApiKeyChange): Promise<void>
}) {
  const { sessions, apiKeys, invites, audit } = deps
  const sessionOf = (identity: Identity) => {
    if (!identity.sessionId) throw new AuthError('SCOPE_MISSING', 'needs a session credential')
    return identity.sessionId
  }
  /** What follows every revocation or rotation of a key: the replicas are told, then it is audited. */
  const keyChanged = async (
    identity: Identity,
    keyId: string,
    change: ApiKeyChange,
    ip: string,
    detail: NonNullable<AuditEvent['detail']>,
  ) => {
    await deps.onApiKeyChanged?.(keyId, change)
    await audit.record({ type: `api_key.${change}`, accountId: identity.accountId, ip, detail })
  }

  return {
    /** The caller's own account. */
    find: (identity: Identity): Promise<Account> => deps.findAccount(identity.accountId),
    listSessions: (identity: Identity) => sessions.listActive(identity.accountId),
    listApiKeys: (identity: Identity) => apiKeys.list(identity.accountId),
    /** The account's own security log, most recent first (the console's activity list). */
    recentAuditEvents: (identity: Identity, limit: number) =>
      audit.query({ accountId: identity.accountId, limit, newestFirst: true }),

    async logout(identity: Identity, ip: string) {
      const sessionId = sessionOf(identity)
      await sessions.revoke(sessionId)
      await audit.record({
        type: 'logout',
        accountId: identity.accountId,
        ip,
        detail: { session: sessionId },
      })
    },

    async logoutAll(identity: Identity, ip: string) {
      await sessions.revokeAllOfAccount(identity.accountId)
      await audit.record({ type: 'logout_all', accountId: identity.accountId, ip })
    },

    async revokeSession(identity: Identity, sessionId: string, ip: string) {
      await sessions.revokeOwn(identity.accountId, sessionId)
      await audit.record({
        type: 'session.revoked',
        accountId: identity.accountId,
        ip,
        detail: { session: sessionId },
      })
    },

    async createApiKey(identity: Identity, request: NewApiKeyRequest, ip: string) {
      const created = await apiKeys.create(await deps.findAccount(identity.accountId), request)
      await audit.record({
        type: 'api_key.created',
        accountId: identity.accountId,
        ip,
        detail: { key: created.key.id, scope: created.key.scope },
      })
      return created
    },

    /**
     * Registers a signed-request key (RFC 9421) for the account: from a session's
     * `POST /v1/api-keys` with a `publicKey` (`origin: 'session'`), or for an agent key a wallet
     * authorized without a session (`origin: 'agent'`). Same rules and limit as a secret key;
     * audited as `api_key.created` with the origin, algorithm and JWK thumbprint. No secret exists.
     */
    async registerPublicKeyApiKey(accountId: string, request: PublicKeyApiKeyRequest, ip: string) {
      const key = await apiKeys.registerPublicKeyApiKey(await deps.findAccount(accountId), request)
      await audit.record({
        type: 'api_key.created',
        accountId,
        ip,
        detail: {
          key: key.id,
          scope: key.scope,
          credential: 'public-key',
          origin: request.origin,
          alg: key.alg!,
          thumbprint: key.thumbprint!,
        },
      })
      return key
    },

    /** An `hmac-sha256` signed-request key (hmacSignedRequests): its shared secret is returned once. */
    async createHmacApiKey(
      identity: Identity,
      request: Omit<PublicKeyApiKeyRequest, 'publicKey'>,
      ip: string,
    ) {
      const created = await apiKeys.registerHmacApiKey(await deps.findAccount(identity.accountId), request)
      await audit.record({
        type: 'api_key.created',
        accountId: identity.accountId,
        ip,
        detail: { key: created.key.id, scope: created.key.scope, credential: 'hmac', origin: request.origin },
      })
      return created
    },

    /** A new public key for a signed-request key; the old one verifies for `graceSeconds` more. */
    async rotatePublicKeyApiKey(
      identity: Identity,
      keyId: string,
      publicKey: unknown,
      graceSeconds: number,
      ip: string,
    ) {
      const rotated = await apiKeys.rotatePublicKey(identity.accountId, keyId, publicKey, graceSeconds)
      await keyChanged(identity, keyId, 'rotated', ip, {
        key: keyId,
        graceSeconds,
        thumbprint: rotated.thumbprint!,
      })
      return rotated
    },

    async rotateApiKey(
      identity: Identity,
      keyId: string,
      graceSeconds: number,
      ip: string,
      brand?: ApiKeyBrand,
    ) {
      const rotated = await apiKeys.rotate(identity.accountId, keyId, graceSeconds, brand)
      await keyChanged(identity, keyId, 'rotated', ip, { key: keyId, graceSeconds })
      return rotated
    },

    async revokeApiKey(identity: Identity, keyId: string, ip: string) {
      await apiKeys.revoke(identity.accountId, keyId)
      await keyChanged(identity, keyId, 'revoked', ip, { key: keyId })
    },

    async redeemInvite(identity: Identity, code: string, ip: string) {
      await invites.redeem(identity.accountId, code)
      await audit.record({ type: 'invite.redeemed', accountId: identity.accountId, ip })
    },
  }
}

export type AccountActions = ReturnType<typeof createAccountActions>
