import { type EvmCrypto, warmUpPedersen } from '@sigil/protocol'
import type { Config } from '../config.js'
import { type ApiKeyService, createApiKeyService } from './api-keys/create-api-key-service.js'
import { type AuditLog, createAuditLog } from './audit/create-audit-log.js'
import { type ChallengeService, createChallengeService } from './challenges/create-challenge-service.js'
import type { Clock } from './clock.js'
import { type AccountActions, createAccountActions } from './create-account-actions.js'
import { AuthError } from './errors.js'
import { createGeoService, type GeoService, type IpCountryDatabase } from './geo/create-geo-service.js'
import type { Identity } from './identity.js'
import { createInviteService, type InviteService } from './invites/create-invite-service.js'
import {
  createIsolatedAccountService,
  type IsolatedAccountService,
} from './isolated-accounts/create-isolated-account-service.js'
import { createParadexService, type ParadexService } from './paradex/create-paradex-service.js'
import { paradexChannelRules } from './paradex/paradex-channels.js'
import type { Account, Address, Stores } from './ports.js'
import { createPublishHub, type PublishHub } from './publish-hub/create-publish-hub.js'
import { createRateLimiter, type RateLimiter } from './rate-limit/create-rate-limiter.js'
import { signInScopes } from './scopes.js'
import { createSessionService, type SessionService } from './sessions/create-session-service.js'
import { createRevocationList } from './sessions/revocation-list.js'
import {
  createSignInApi,
  type IssuedCookie,
  type IssuedTokens,
  type RequestContext,
  type SignInApi,
  type SignInPurpose,
} from './sign-in/create-sign-in-api.js'
import type { SiweBinding, SiweProof } from './sign-in/create-siwe-verifier.js'
import { type AccessTokens, createAccessTokens } from './tokens/create-access-tokens.js'
import { createKeyRing, type KeyRing } from './tokens/create-key-ring.js'

export interface GatewayDeps {
  stores: Stores
  clock: Clock
  evmCrypto: EvmCrypto
  masterKey?: Uint8Array
  /** The IP → country table of `geoIpDatabase` (store/geo/openIpCountryDatabase), when one is configured. */
  ipCountries?: IpCountryDatabase
}

export type { IssuedCookie, IssuedTokens, RequestContext } from './sign-in/create-sign-in-api.js'

export interface Gateway {
  clock: Clock
  keyRing: KeyRing
  challenges: ChallengeService
  sessions: SessionService
  accessTokens: AccessTokens
  apiKeys: ApiKeyService
  invites: InviteService
  audit: AuditLog
  rateLimiter: RateLimiter
  /** Audited changes an account makes to its own credentials (logout, keys, invites). */
  actions: AccountActions
  /** Sign-In with Ethereum per API: the native one, and one per venue dialect. */
  signIns: Record<SignInPurpose, SignInApi>
  /** Paradex: onboarding and auth with a Stark key (v1) or an EVM key through SIWE (v2). */
  paradex: ParadexService
  /** Isolated-market accounts and the main accounts they belong to. */
  isolatedAccounts: IsolatedAccountService
  /** Server events to WebSocket subscribers; private ones only to sockets acting for their account. */
  publishHub: PublishHub
  /** Geo blocking: where a client is, and whether that country may sign in and use credentials. */
  geo: GeoService
  siweBinding: SiweBinding
  issueNonce(address?: Address): ReturnType<ChallengeService['issue']>
  signInWithEthereum(proof: SiweProof, context: RequestContext): Promise<IssuedTokens>
  signInWithEthereumForCookie(proof: SiweProof, context: RequestContext): Promise<IssuedCookie>
  refresh(refreshToken: string): Promise<IssuedTokens>
  authenticateAccessToken(token: string): Promise<Identity & { sessionId: string }>
  authenticateCookie(cookieValue: string): Promise<Identity & { sessionId: string; renewedUntil?: number }>
  authenticateApiKey(secret: string, ip: string): Promise<Identity & { apiKeyId: string }>
  findAccount(accountId: string): Promise<Account>
  /** Periodic work: key-ring refresh, revocation pruning, expired nonces. */
  tick(): Promise<void>
  close(): Promise<void>
}

/** The one composition root: every transport and the CLI get their services from here. */
export async function createGateway(config: Config, deps: GatewayDeps): Promise<Gateway> {
  // Pedersen's lookup tables take ≈0.1 s to build: at boot, not in the first trader's request.
  if (config.dialects.includes('paradex')) warmUpPedersen()
  const { stores, clock } = deps
  // The longest-lived access token any API issues decides how long a retired key keeps verifying.
  const accessTokenTtlSeconds = Math.max(config.accessTokenTtlSeconds, config.paradexJwtTtlSeconds)
  const accessTokenLifetimeMs = (accessTokenTtlSeconds + config.jwtClockToleranceSeconds) * 1000

  const keyRing = createKeyRing(stores.signingKeys, clock, {
    algorithm: config.jwtAlgorithm,
    // A retired key keeps verifying until the last token it signed (up to one refresh interval
    // after the rotation, on a replica that had not reloaded yet) has expired.
    retentionMs: accessTokenLifetimeMs + config.keyRingRefreshSeconds * 1000,
    ...(deps.masterKey ? { masterKey: deps.masterKey } : {}),
  })
  await keyRing.load()

  // A configured database that was not opened would let everyone through as "unknown": refuse.
  if (config.geoIpDatabase !== undefined && !deps.ipCountries)
    throw new Error('geoIpDatabase is set but was not opened (pass deps.ipCountries)')
  const geo = createGeoService({
    blockedCountries: new Set(config.geoBlockedCountries),
    blockUnknown: config.geoBlockUnknown,
    ...(deps.ipCountries ? { database: deps.ipCountries } : {}),
  })

  const audit = createAuditLog(stores.audit, clock, { sampleWindowMs: 60_000 })
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
    },
    audit,
  )
  await sessions.restoreRevocations()

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
  })
  const invites = createInviteService(stores.invites, clock)
  const findAccount = async (accountId: string) => {
    const account = await stores.accounts.findById(accountId)
    if (!account) throw new AuthError('TOKEN_INVALID', 'subject has no account')
    return account
  }

  const binding = (
    domain: string,
    uri: string,
    chainIds: readonly number[],
    extra: Partial<SiweBinding> = {},
  ): SiweBinding => ({
    domain,
    scheme: config.siweScheme,
    uri,
    chainIds,
    issuedAtSkewMs: config.issuedAtSkewSeconds * 1000,
    maxAgeMs: config.nonceTtlSeconds * 1000,
    ...extra,
  })
  const signInApi = (purpose: SignInPurpose, siweBinding: SiweBinding) =>
    createSignInApi({
      purpose,
      binding: siweBinding,
      newAccountStatus: config.invitesRequired ? 'pending' : 'active',
      challenges,
      accounts: stores.accounts,
      evmCrypto: deps.evmCrypto,
      sessions,
      accessTokens,
      audit,
      clock,
      findAccount,
    })
  const signIns: Record<SignInPurpose, SignInApi> = {
    native: signInApi('native', binding(config.siweDomain, config.siweUri, config.siweChainIds)),
    evedex: signInApi(
      'evedex',
      binding(config.evedexSiweDomain, config.evedexSiweUri, config.evedexChainIds),
    ),
    // OCX requires an Expiration Time within its window ("a signature for later" is refused).
    ocx: signInApi(
      'ocx',
      binding(config.ocxSiweDomain, config.ocxSiweUri, config.ocxChainIds, {
        expirationRequiredWithinMs: config.ocxMaxExpirationSeconds * 1000,
      }),
    ),
  }

  return {
    clock,
    keyRing,
    challenges,
    sessions,
    accessTokens,
    apiKeys,
    invites,
    audit,
    rateLimiter: createRateLimiter(stores.rateLimits, clock, {
      signInPerMinute: config.rateLimitSignInPerMinute,
      starknetPerMinute: config.rateLimitStarknetPerMinute,
      starknetGlobalPerSecond: config.rateLimitStarknetGlobalPerSecond,
      anonymousPerMinute: config.rateLimitAnonymousPerMinute,
      accountPerMinute: config.rateLimitAccountPerMinute,
      apiKeyPerMinute: config.rateLimitApiKeyPerMinute,
    }),
    paradex: createParadexService({
      starknetAccounts: stores.starknetAccounts,
      signatureUses: stores.signatureUses,
      isolatedAccounts: stores.isolatedAccounts,
      evmCrypto: deps.evmCrypto,
      invites,
      accessTokens,
      audit,
      clock,
      findStatus: async (accountId) => (await findAccount(accountId)).status,
      options: {
        chainId: config.paradexStarknetChainId,
        classHashes: {
          accountClassHash: config.paradexAccountClassHash,
          proxyClassHash: config.paradexProxyClassHash,
        },
        siwe: {
          domain: config.paradexSiweDomain,
          l1ChainId: Number(config.paradexL1ChainId),
          issuedAtSkewMs: config.issuedAtSkewSeconds * 1000,
          evmAccountClassHash: config.paradexEvmAccountClassHash,
        },
        strictReplay: config.paradexStrictReplay,
        tokenTtlSeconds: config.paradexJwtTtlSeconds,
        timestampSkewSeconds: config.issuedAtSkewSeconds,
        newAccountStatus: config.invitesRequired ? 'pending' : 'active',
      },
    }),
    isolatedAccounts: createIsolatedAccountService({
      isolatedAccounts: stores.isolatedAccounts,
      accounts: stores.accounts,
      clock,
    }),
    actions: createAccountActions({ sessions, apiKeys, invites, audit, findAccount }),
    publishHub: createPublishHub(paradexChannelRules),
    geo,
    signIns,
    siweBinding: signIns.native.binding,
    issueNonce: signIns.native.issueNonce,
    signInWithEthereum: signIns.native.signIn,
    signInWithEthereumForCookie: signIns.native.signInForCookie,
    refresh: signIns.native.refresh,

    async authenticateAccessToken(token) {
      const verified = await accessTokens.verify(token)
      return {
        accountId: verified.accountId,
        sessionId: verified.sessionId,
        scopes: verified.scopes,
        via: 'jwt',
        ...(verified.isolatedAccountIds ? { isolatedAccountIds: verified.isolatedAccountIds } : {}),
      }
    },

    async authenticateCookie(cookieValue) {
      const { session, renewedUntil } = await sessions.authenticateCookie(cookieValue)
      // Scopes follow the account's current status, so a redeemed invite counts at once.
      const account = await findAccount(session.accountId)
      return {
        accountId: account.id,
        sessionId: session.id,
        scopes: signInScopes(account.status),
        via: 'cookie',
        ...(renewedUntil === undefined ? {} : { renewedUntil }),
      }
    },

    authenticateApiKey: (secret, ip) => apiKeys.authenticate(secret, ip),
    findAccount,

    async tick() {
      // Independent chores: one failing (say, a key ring that cannot be read) stops none of the others.
      const results = await Promise.allSettled([
        keyRing.refresh(),
        Promise.resolve(revocations.prune(clock.now())),
        stores.challenges.deleteExpired(clock.now() - config.nonceTtlSeconds * 1000),
        stores.signatureUses.deleteExpired(clock.now()),
        // A revoked session must outlive its access tokens (the revocation list is rebuilt from it).
        stores.sessions.deleteEndedBefore(clock.now() - accessTokenLifetimeMs),
      ])
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) throw failed.reason
    },

    close: () => stores.close(),
  }
}
