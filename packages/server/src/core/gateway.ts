import type { EvmCrypto, JsonWebKeySet } from '@sigil/protocol'
import type { SignedRequest } from '@sigil/protocol/http-signatures'
import type { Config } from '../config.js'
import { createApiKeyService } from './api-keys/create-api-key-service.js'
import type { SignedRequestCheck } from './api-keys/signed-request-verifier.js'
import { type AuditLog, createAuditLog } from './audit/create-audit-log.js'
import { type ChainReader, noChainReader } from './chain/chain-reader.js'
import { recheckContractWallet } from './chain/recheck-contract-wallet.js'
import { createChallengeService } from './challenges/create-challenge-service.js'
import type { Clock } from './clock.js'
import { type AccountActions, createAccountActions } from './create-account-actions.js'
import { createOperatorActions, type OperatorActions } from './create-operator-actions.js'
import type { PresentedCredentials } from './credentials/choose-credential.js'
import {
  type ConnectionCredential,
  type ConnectionCredentialCheck,
  createCredentialAuthenticator,
} from './credentials/create-credential-authenticator.js'
import type { DialectKit, EnabledDialect } from './dialect.js'
import { AuthError } from './errors.js'
import { createForwardAuth, type ForwardAuth } from './forward-auth/create-forward-auth.js'
import { createGeoService, type GeoService, type IpCountryDatabase } from './geo/create-geo-service.js'
import type { Identity } from './identity.js'
import { createInviteService } from './invites/create-invite-service.js'
import { createIsolatedAccountService } from './isolated-accounts/create-isolated-account-service.js'
import { createLiveConnections, type LiveConnections } from './live-connections/create-live-connections.js'
import { checkReadiness, type GatewayEvents, notify, observeSignIns, type Readiness } from './observe.js'
import type { ContractWalletCheck, Stores } from './ports.js'
import {
  anyOfChannelRules,
  createPublishHub,
  type PublishHub,
  type PublishTransport,
} from './publish-hub/create-publish-hub.js'
import { createRateLimiter, type RateLimiter } from './rate-limit/create-rate-limiter.js'
import { createLocalRevocationBus, type RevocationBus } from './revocation/revocation-bus.js'
import { createSessionService } from './sessions/create-session-service.js'
import { createRevocationList } from './sessions/revocation-list.js'
import type { SignInApi } from './sign-in/create-sign-in-api.js'
import { createSignInApis } from './sign-in/create-sign-in-apis.js'
import { createAccessTokens } from './tokens/create-access-tokens.js'
import { createKeyRing } from './tokens/create-key-ring.js'

export interface GatewayDeps {
  stores: Stores
  clock: Clock
  evmCrypto: EvmCrypto
  masterKey?: Uint8Array
  /** The IP → country table of `geoIpDatabase` (store/geo/openIpCountryDatabase), when one is configured. */
  ipCountries?: IpCountryDatabase
  /** The enabled dialects' core halves and settings (the composition root reads the registry). */
  dialects: readonly EnabledDialect[]
  /** How revocations reach other replicas (Redis); default: this process only. */
  revocationBus?: RevocationBus
  /** How WebSocket pushes reach other replicas' sockets (Redis); default: this process only. */
  publishTransport?: PublishTransport
  /** Chain nodes for contract-wallet sign-in (EIP-1271/6492), per chain id; default: none (EOAs only). */
  chainReader?: ChainReader
  /** Told of sign-in outcomes and applied revocations (the metrics); default: nobody. */
  events?: GatewayEvents
}

export type { IssuedCookie, IssuedTokens, RequestContext } from './sign-in/create-sign-in-api.js'

/** A request's credential, checked: who it is, and the cookie it came in, if it came in one. */
export interface AuthenticatedRequest {
  identity: Identity
  /** The session cookie that carried it, by name; `renewedUntil` when a sliding session was extended. */
  cookie?: { name: string; renewedUntil?: number }
}

/**
 * What transports (HTTP routes, WebSocket, CLI) may ask of core: use cases, each audited where it
 * changes anything. The services behind them stay inside core; none is reachable one dot away
 * from its audited twin.
 */
export interface Gateway {
  now(): number
  /** The published signing keys (RFC 7517): the active one first, retired ones within retention. */
  jwks(): JsonWebKeySet
  /** Sign-In with Ethereum as one API speaks it: its own nonces and binding. */
  signIn(dialectId: string): SignInApi
  /** The services a dialect declared (`core.services`), built once. */
  dialectServices(dialectId: string): unknown
  /** Checks the credential a request carries, chosen by the one precedence rule (chooseCredential). */
  authenticate(presented: PresentedCredentials, ip: string): Promise<AuthenticatedRequest | null>
  /** An access token on its own (the WebSocket `auth` message). */
  authenticateAccessToken(token: string): Promise<Identity & { sessionId: string }>
  /**
   * A long-lived connection's credential (the native WebSocket's `auth`): a JWT, or an API key
   * checked with the connection's client IP (its allowlist applies); with its expiry.
   */
  authenticateConnection(credential: ConnectionCredential, ip: string): Promise<ConnectionCredentialCheck>
  /**
   * A WebSocket upgrade request signed (RFC 9421) with a public-key API key, checked at the
   * upgrade; the socket's `auth` adopts the result (`{ signedUpgrade }` credential).
   */
  authenticateSignedUpgrade(request: SignedRequest, ip: string): Promise<SignedRequestCheck>
  /**
   * Live connections (WebSockets) by session and API key: a revocation on any replica, or the
   * credential's expiry, ends them (`LiveConnection.end`).
   */
  liveConnections: Pick<LiveConnections, 'track' | 'size'>
  /** The verify endpoint's own needs: the caller's wallet, and the signed assertion. */
  forwardAuth: ForwardAuth
  /** What a signed-in account does with its own sessions, keys and invites. */
  account: AccountActions
  /** What the operator does from the CLI. */
  operator: OperatorActions
  rateLimiter: RateLimiter
  /** Geo blocking: where a client is, and whether that country may sign in and use credentials. */
  geo: GeoService
  /** Server events to WebSocket subscribers; private ones only to sockets acting for their account. */
  publishHub: PublishHub
  /** A refusal worth auditing but not at flood rate (rate-limit and geo denials): one per subject per minute. */
  recordDenial: AuditLog['recordSampled']
  /**
   * Whether this replica can serve: the key ring loaded and every store's server answering a
   * cheap round trip (`Stores.ping`) within a few seconds. Never rejects.
   */
  ready(): Promise<Readiness>
  /** Loads what serving needs (the key ring, revocations, lookup tables); the CLI never calls it. */
  start(): Promise<void>
  /**
   * Periodic work: key-ring refresh, revocation pruning, expired nonces, sessions and refresh
   * tokens, sealed successors past the reuse interval, audit events past retention.
   */
  tick(): Promise<void>
  close(): Promise<void>
}

const DAY_MS = 86_400_000

/** Core's half of the composition root (create-sigil.ts): every service, wired once. */
export function createGateway(config: Config, deps: GatewayDeps): Gateway {
  const { stores, clock, dialects } = deps
  // The longest-lived access token any API issues decides how long a retired key keeps verifying.
  const accessTokenTtlSeconds = Math.max(
    config.accessTokenTtlSeconds,
    ...dialects.map((d) => d.core.accessTokenTtlSeconds?.(d.settings) ?? 0),
  )
  const accessTokenLifetimeMs = (accessTokenTtlSeconds + config.jwtClockToleranceSeconds) * 1000
  const keyRing = createKeyRing(stores.signingKeys, clock, {
    algorithm: config.jwtAlgorithm,
    // A retired key keeps verifying until the last token it signed (up to one refresh interval
    // after the rotation, on a replica that had not reloaded yet) has expired.
    retentionMs: accessTokenLifetimeMs + config.keyRingRefreshSeconds * 1000,
    leadMs: config.signingKeyLeadSeconds * 1000,
    ...(deps.masterKey ? { masterKey: deps.masterKey } : {}),
  })

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
  const revocations = createRevocationList()
  const sessions = createSessionService(
    stores.sessions,
    revocations,
    clock,
    {
      refreshTokenTtlMs: config.refreshTokenTtlSeconds * 1000,
      sessionMaxAgeMs: config.sessionMaxAgeSeconds * 1000,
      accessTokenLifetimeMs,
      cookieMaxAgeMs: config.sessionCookieMaxAgeSeconds * 1000,
      cookieSliding: config.sessionCookieSliding,
      refreshReuseIntervalMs: config.refreshReuseIntervalSeconds * 1000,
      ...(config.recheckContractWalletsOnRefresh
        ? {
            recheckContractWallet: (check: ContractWalletCheck) =>
              recheckContractWallet(check, deps.chainReader ?? noChainReader),
          }
        : {}),
    },
    audit,
    bus,
  )
  const challenges = createChallengeService(stores.challenges, clock, {
    ttlMs: config.nonceTtlSeconds * 1000,
  })
  const accessTokens = createAccessTokens(keyRing, (sid) => sessions.isRevoked(sid), clock, {
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    ttlSeconds: config.accessTokenTtlSeconds,
    clockToleranceSeconds: config.jwtClockToleranceSeconds,
  })
  const apiKeys = createApiKeyService(stores.apiKeys, clock, {
    maxPerAccount: config.apiKeysPerAccountMax,
    recordUseEveryMs: 60_000,
    // Revocations and rotations reach the cache through the bus (start() below); while the bus
    // may be missing messages, every API-key request reads the store.
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

  const rateLimiter = createRateLimiter(stores.rateLimits, clock, {
    signInPerMinute: config.rateLimitSignInPerMinute,
    starknetPerMinute: config.rateLimitStarknetPerMinute,
    starknetGlobalPerSecond: config.rateLimitStarknetGlobalPerSecond,
    globalSharePercent: config.rateLimitGlobalSharePercent,
    chainRpcPerMinute: config.rateLimitChainRpcPerMinute,
    anonymousPerMinute: config.rateLimitAnonymousPerMinute,
    accountPerMinute: config.rateLimitAccountPerMinute,
    apiKeyPerMinute: config.rateLimitApiKeyPerMinute,
  })
  /** The per-IP budget of sign-ins that reach a chain node: RATE_LIMITED past it. */
  const chainBudget = async (ip: string) => {
    if (config.rateLimits === 'off') return
    const outcome = await rateLimiter.check({ group: 'chain', ip, identity: null })
    if (!outcome.allowed) throw new AuthError('RATE_LIMITED', 'chain RPC budget spent', { detail: 'chain' })
  }

  const signIns = createSignInApis(dialects, {
    base: { domain: config.siweDomain, uri: config.siweUri, chainIds: config.siweChainIds },
    scheme: config.siweScheme,
    issuedAtSkewMs: config.issuedAtSkewSeconds * 1000,
    maxAgeMs: config.nonceTtlSeconds * 1000,
    shared: {
      newAccountStatus,
      challenges,
      accounts: stores.accounts,
      evmCrypto: deps.evmCrypto,
      sessions,
      accessTokens,
      audit,
      clock,
      findAccount,
      chains: deps.chainReader,
      chainBudget,
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
  }
  const services = new Map(dialects.map((d) => [d.id, d.core.services?.(kit, d.settings)]))

  const credentials = createCredentialAuthenticator({ accessTokens, sessions, apiKeys, findAccount })
  const liveConnections = createLiveConnections(clock)
  /** Connections whose session the (just rebuilt) revocation list names end. */
  const isListedRevoked = (sessionId: string) => revocations.has(sessionId, clock.now())

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
      // On every replica: the key leaves the cache of verified keys, and its sockets close (or are
      // re-checked).
      onApiKeyChanged: (keyId, change) =>
        bus.publish({ kind: 'api_keys', keyIds: [keyId], change, at: clock.now() }),
    }),
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

    async start() {
      for (const { core } of dialects) core.warmUp?.()
      await keyRing.load()
      await sessions.restoreRevocations()
      bus.listen({
        apply(revocation) {
          if (revocation.kind === 'signing_keys') void keyRing.refresh().catch(() => {})
          else if (revocation.kind === 'api_keys') {
            // The cache first: the sockets re-checked next must read the changed key.
            apiKeys.forget(revocation.keyIds)
            void liveConnections.apiKeysChanged(revocation.keyIds, revocation.change)
          } else {
            for (const id of revocation.sessionIds) revocations.add(id, revocation.at + accessTokenLifetimeMs)
            liveConnections.sessionsEnded(revocation.sessionIds)
            notify(() => deps.events?.revocationApplied?.(Math.max(0, clock.now() - revocation.at)))
          }
        },
        // After a gap in which messages may have been lost: the store is the truth.
        resync: async () => {
          // Before any await: the bus is live again from here, and a missed revoke must not hit.
          apiKeys.forgetAll()
          await Promise.all([sessions.restoreRevocations(), keyRing.refresh()])
          // And the API keys of live connections are read again: a revoke or rotate may have been missed.
          await liveConnections.resync(isListedRevoked)
        },
      })
    },

    ready: () => checkReadiness(keyRing, stores),

    async tick() {
      // Independent chores: one failing (say, a key ring that cannot be read) stops none of the others.
      const results = await Promise.allSettled([
        keyRing.refresh(),
        Promise.resolve(revocations.prune(clock.now())),
        stores.challenges.deleteExpired(clock.now() - config.nonceTtlSeconds * 1000),
        stores.signatureUses.deleteExpired(clock.now()),
        // A revoked session must outlive its access tokens (the revocation list is rebuilt from it).
        stores.sessions.deleteEndedBefore(clock.now() - accessTokenLifetimeMs),
        // The reuse interval is over for these: their sealed successors must not outlive it.
        stores.sessions.forgetSuccessorsUsedBefore(clock.now() - config.refreshReuseIntervalSeconds * 1000),
        // Retention (0: forever). Export first with `sigil audit --until` (docs/deployment.md, Audit retention).
        config.auditRetentionDays > 0
          ? stores.audit.deleteBefore(clock.now() - config.auditRetentionDays * DAY_MS)
          : Promise.resolve(0),
        // Replicas: a message lost while this one looked connected is repaired within a tick.
        bus.shared
          ? sessions.restoreRevocations().then(() => liveConnections.sweepSessions(isListedRevoked))
          : Promise.resolve(),
      ])
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) throw failed.reason
    },

    async close() {
      await bus.close()
      // The noted "last used" of API keys reach the store before it closes.
      await apiKeys.close().catch(() => {})
      await stores.close()
    },
  }
}
