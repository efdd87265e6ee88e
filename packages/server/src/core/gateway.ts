// createGateway: core's use cases composed once, behind the Gateway facade (gateway/gateway-types.ts).
// The groups of services are built in core/gateway/: sessions and tokens, the sign-ins, the lifecycle.
import type { Config } from '../config.js'
import { createApiKeyService } from './api-keys/create-api-key-service.js'
import { createAuditLog } from './audit/create-audit-log.js'
import { createChallengeService } from './challenges/create-challenge-service.js'
import { createAccountActions } from './create-account-actions.js'
import { createOperatorActions } from './create-operator-actions.js'
import { createCredentialAuthenticator } from './credentials/create-credential-authenticator.js'
import type { DialectKit } from './dialect.js'
import { AuthError } from './errors.js'
import { createForwardAuth } from './forward-auth/create-forward-auth.js'
import type { Gateway, GatewayDeps } from './gateway/gateway-types.js'
import { createLifecycle } from './gateway/lifecycle.js'
import { createSessionServices } from './gateway/session-services.js'
import { createSignInServices } from './gateway/sign-in-services.js'
import { createGeoService } from './geo/create-geo-service.js'
import { createInviteService } from './invites/create-invite-service.js'
import { createIsolatedAccountService } from './isolated-accounts/create-isolated-account-service.js'
import { createLiveConnections } from './live-connections/create-live-connections.js'
import { observeSignIns } from './observe.js'
import { anyOfChannelRules, createPublishHub } from './publish-hub/create-publish-hub.js'
import { type ApiKeyChange, createLocalRevocationBus } from './revocation/revocation-bus.js'

export type { AuthenticatedRequest, Gateway, GatewayDeps } from './gateway/gateway-types.js'
export type { IssuedCookie, IssuedTokens, RequestContext } from './sign-in/create-sign-in-api.js'

/** Core's half of the composition root (create-sigil.ts): every service, wired once. */
export function createGateway(config: Config, deps: GatewayDeps): Gateway {
  const { stores, clock, dialects } = deps
  // A configured database that was not opened would let everyone through as "unknown": refuse.
  if (config.geoIpDatabase !== undefined && !deps.ipCountries)
    throw new Error('geoIpDatabase is set but was not opened (pass deps.ipCountries)')
  const geo = createGeoService({
    blockedCountries: new Set(config.geoBlockedCountries),
    blockUnknown: config.geoBlockUnknown,
    ...(deps.ipCountries ? { database: deps.ipCountries } : {}),
  })

  const audit = observeSignIns(createAuditLog(stores.audit, clock, { sampleWindowMs: 60_000 }), deps.events)
  const bus = deps.revocationBus ?? createLocalRevocationBus()
  const sessionServices = createSessionServices(config, deps, audit, bus)
  const { keyRing, sessions, dialectSessions, accessTokens } = sessionServices
  const challenges = createChallengeService(stores.challenges, clock, {
    ttlMs: config.nonceTtlSeconds * 1000,
  })
  const apiKeys = createApiKeyService(stores.apiKeys, clock, {
    maxPerAccount: config.apiKeysPerAccountMax,
    recordUseEveryMs: 60_000,
    // Revocations and rotations reach the cache through the bus (lifecycle's start()); while the
    // bus may be missing messages, every API-key request reads the store.
    cache: { isLive: () => bus.live },
    signedRequests: {
      maxAgeSeconds: config.signatureMaxAgeSeconds,
      clockSkewSeconds: config.issuedAtSkewSeconds,
      replays: stores.requestSignatureUses,
      // hmac-sha256 keys only when enabled, and then always with the master key they are sealed under.
      ...(config.hmacSignedRequests && deps.masterKey ? { masterKey: deps.masterKey } : {}),
    },
  })
  const invites = createInviteService(stores.invites, clock)
  const findAccount = async (accountId: string) => {
    const account = await stores.accounts.findById(accountId)
    if (!account) throw new AuthError('TOKEN_INVALID', 'subject has no account')
    return account
  }
  const newAccountStatus = config.invitesRequired ? 'pending' : 'active'

  /** On every replica: the key leaves the cache of verified keys, and its sockets close (or are re-checked). */
  const onApiKeyChanged = (keyId: string, change: ApiKeyChange) =>
    bus.publish({ kind: 'api_keys', keyIds: [keyId], change, at: clock.now() })

  const { rateLimiter, signIns, agentKeys } = createSignInServices(config, deps, {
    challenges,
    sessions,
    accessTokens,
    audit,
    findAccount,
    newAccountStatus,
    agentKeyRegistrar: {
      // Audited by the agent-key service itself (agent_key.authorized names the wallet's proof).
      register: (account, request) =>
        apiKeys.registerPublicKeyApiKey(account, { ...request, origin: 'agent' }),
      async revoke(accountId, keyId) {
        await apiKeys.revoke(accountId, keyId)
        await onApiKeyChanged(keyId, 'revoked')
      },
    },
  })

  const kit: DialectKit = {
    stores,
    clock,
    evmCrypto: deps.evmCrypto,
    accessTokens,
    invites,
    audit,
    findAccount,
    newAccountStatus,
    issuedAtSkewSeconds: config.issuedAtSkewSeconds,
    endSessions: dialectSessions.end,
  }
  const services = new Map(dialects.map((d) => [d.id, d.core.services?.(kit, d.settings)]))

  const credentials = createCredentialAuthenticator({ accessTokens, sessions, apiKeys, findAccount })
  const liveConnections = createLiveConnections(clock)

  return {
    now: () => clock.now(),
    jwks: () => keyRing.jwks(),
    signIn(dialectId) {
      const api = signIns.get(dialectId)
      if (!api) throw new Error(`dialect ${dialectId} declares no SIWE sign-in (core.siwe)`)
      return api
    },
    dialectServices: (dialectId) => services.get(dialectId),

    authenticate: credentials.authenticate,
    authenticateAccessToken: credentials.authenticateAccessToken,
    authenticateConnection: credentials.authenticateConnection,
    authenticateSignedUpgrade: credentials.authenticateSignedUpgrade,
    liveConnections,
    forwardAuth: createForwardAuth(stores.accounts, keyRing, clock, { issuer: config.jwtIssuer }),

    account: createAccountActions({
      sessions,
      apiKeys,
      invites,
      audit,
      findAccount,
      onApiKeyChanged,
    }),
    agentKeys,
    operator: createOperatorActions({
      keyRing,
      // Every replica publishes the new key now, not at its next refresh.
      onRotated: () => bus.publish({ kind: 'signing_keys' }),
      stores,
      invites,
      audit,
      isolatedAccounts: createIsolatedAccountService({
        isolatedAccounts: stores.isolatedAccounts,
        accounts: stores.accounts,
        clock,
      }),
    }),
    rateLimiter,
    geo,
    publishHub: createPublishHub(anyOfChannelRules(dialects.flatMap((d) => d.core.channels ?? [])), {
      ...(deps.publishTransport ? { transport: deps.publishTransport } : {}),
    }),
    recordDenial: (subject, event) => audit.recordSampled(subject, event),

    ...createLifecycle(config, deps, { bus, apiKeys, liveConnections, sessionServices }),
  }
}
