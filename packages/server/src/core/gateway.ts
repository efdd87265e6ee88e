import type { EvmCrypto } from '@sigil/protocol'
import type { Config } from '../config.js'
import { type ChallengeService, createChallengeService } from './challenges/create-challenge-service.js'
import type { Clock } from './clock.js'
import { AuthError } from './errors.js'
import type { Account, Address, Stores } from './ports.js'
import { ACCOUNT_SCOPES, type Scope } from './scopes.js'
import { createSessionService, type SessionService } from './sessions/create-session-service.js'
import { createRevocationList } from './sessions/revocation-list.js'
import { createSiweVerifier, type SiweProof } from './sign-in/create-siwe-verifier.js'
import {
  type AccessTokens,
  createAccessTokens,
  type VerifiedAccessToken,
} from './tokens/create-access-tokens.js'
import { createKeyRing, type KeyRing } from './tokens/create-key-ring.js'

export interface GatewayDeps {
  stores: Stores
  clock: Clock
  evmCrypto: EvmCrypto
  masterKey?: Uint8Array
}

export interface RequestContext {
  ip?: string
  userAgent?: string
}

export interface IssuedCredentials {
  account: Account
  sessionId: string
  accessToken: string
  expiresIn: number
  refreshToken: string
  refreshExpiresIn: number
}

/** Who is calling, once a credential checked out. */
export interface Identity {
  accountId: string
  sessionId: string
  scopes: readonly Scope[]
  via: 'jwt'
}

export interface Gateway {
  keyRing: KeyRing
  challenges: ChallengeService
  sessions: SessionService
  accessTokens: AccessTokens
  siweBinding: { domain: string; scheme: 'https' | 'http'; uri: string; chainIds: readonly number[] }
  issueNonce(address?: Address): ReturnType<ChallengeService['issue']>
  signInWithEthereum(proof: SiweProof, context: RequestContext): Promise<IssuedCredentials>
  refresh(refreshToken: string): Promise<IssuedCredentials>
  authenticateBearer(token: string): Promise<Identity & { token: VerifiedAccessToken }>
  findAccount(accountId: string): Promise<Account>
  /** Periodic work: key-ring refresh, revocation pruning, expired nonces. */
  tick(): Promise<void>
  close(): Promise<void>
}

const NATIVE = 'native'

/** The one composition root: every transport and the CLI get their services from here. */
export async function createGateway(config: Config, deps: GatewayDeps): Promise<Gateway> {
  const { stores, clock } = deps
  const accessTokenLifetimeMs = (config.accessTokenTtlSeconds + config.jwtClockToleranceSeconds) * 1000

  const keyRing = createKeyRing(stores.signingKeys, clock, {
    algorithm: config.jwtAlgorithm,
    // A retired key keeps verifying until the last token it signed (up to one refresh interval
    // after the rotation, on a replica that had not reloaded yet) has expired.
    retentionMs: accessTokenLifetimeMs + config.keyRingRefreshSeconds * 1000,
    ...(deps.masterKey ? { masterKey: deps.masterKey } : {}),
  })
  await keyRing.load()

  const revocations = createRevocationList()
  const sessions = createSessionService(stores.sessions, revocations, clock, {
    refreshTokenTtlMs: config.refreshTokenTtlSeconds * 1000,
    sessionMaxAgeMs: config.sessionMaxAgeSeconds * 1000,
    accessTokenLifetimeMs,
  })
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
  const siweBinding = {
    domain: config.siweDomain,
    scheme: config.siweScheme,
    uri: config.siweUri,
    chainIds: config.siweChainIds,
    issuedAtSkewMs: config.issuedAtSkewSeconds * 1000,
    maxAgeMs: config.nonceTtlSeconds * 1000,
  }
  const siwe = createSiweVerifier({
    challenges,
    accounts: stores.accounts,
    evmCrypto: deps.evmCrypto,
    clock,
    binding: siweBinding,
    purpose: NATIVE,
  })

  const findAccount = async (accountId: string) => {
    const account = await stores.accounts.findById(accountId)
    if (!account) throw new AuthError('TOKEN_INVALID', 'subject has no account')
    return account
  }

  const credentialsFor = async (account: Account, started: Awaited<ReturnType<SessionService['start']>>) => {
    const access = await accessTokens.issue({
      accountId: account.id,
      sessionId: started.session.id,
      scopes: ACCOUNT_SCOPES,
      clientId: NATIVE,
    })
    return {
      account,
      sessionId: started.session.id,
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken: started.refreshToken,
      refreshExpiresIn: Math.max(0, Math.floor((started.refreshExpiresAt - clock.now()) / 1000)),
    }
  }

  return {
    keyRing,
    challenges,
    sessions,
    accessTokens,
    siweBinding,
    issueNonce: (address) => challenges.issue({ purpose: NATIVE, ...(address ? { address } : {}) }),

    async signInWithEthereum(proof, context) {
      const account = await siwe.verify(proof)
      return credentialsFor(account, await sessions.start({ accountId: account.id, ...context }))
    },

    async refresh(refreshToken) {
      const started = await sessions.refresh(refreshToken)
      return credentialsFor(await findAccount(started.session.accountId), started)
    },

    async authenticateBearer(token) {
      const verified = await accessTokens.verify(token)
      return {
        accountId: verified.accountId,
        sessionId: verified.sessionId,
        scopes: verified.scopes,
        via: 'jwt',
        token: verified,
      }
    },

    findAccount,

    async tick() {
      await keyRing.refresh()
      revocations.prune(clock.now())
      await stores.challenges.deleteExpired(clock.now() - config.nonceTtlSeconds * 1000)
    },

    close: () => stores.close(),
  }
}
