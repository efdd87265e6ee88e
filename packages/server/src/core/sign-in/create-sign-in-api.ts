import type { EvmCrypto } from '@sigil/protocol'
import type { AuditLog } from '../audit/create-audit-log.js'
import type { ChainReader } from '../chain/chain-reader.js'
import type { ChallengeService } from '../challenges/create-challenge-service.js'
import type { Clock } from '../clock.js'
import { isAuthError } from '../errors.js'
import type { Account, AccountStore, Address, Challenge } from '../ports.js'
import { type AccountStatus, signInScopes } from '../scopes.js'
import type { SessionService, StartedSession } from '../sessions/create-session-service.js'
import type { AccessTokens } from '../tokens/create-access-tokens.js'
import { createSiweVerifier, type SiweBinding, type SiweProof } from './create-siwe-verifier.js'

/**
 * Which API a sign-in came through, by dialect id: nonces, tokens (`client_id`) and audit entries
 * carry it, so a nonce minted for one API cannot sign in on another.
 */
export type SignInPurpose = string

export interface RequestContext {
  ip: string
  userAgent?: string
}

export interface IssuedTokens {
  account: Account
  sessionId: string
  accessToken: string
  expiresIn: number
  refreshToken: string
  refreshExpiresIn: number
  /** True when a contract wallet (EIP-1271/6492) vouched for the sign-in signature. */
  contractWallet?: boolean
}

export interface IssuedCookie {
  account: Account
  sessionId: string
  cookieValue: string
  expiresAt: number
  /** True when a contract wallet (EIP-1271/6492) vouched for the sign-in signature. */
  contractWallet?: boolean
}

/** Sign-In with Ethereum as one API speaks it: its own nonces, its own binding, one account store. */
export interface SignInApi {
  purpose: SignInPurpose
  binding: SiweBinding
  issueNonce(address?: Address): Promise<Challenge>
  signIn(proof: SiweProof, context: RequestContext): Promise<IssuedTokens>
  signInForCookie(proof: SiweProof, context: RequestContext): Promise<IssuedCookie>
  /** Rotates a refresh token (any session's: sessions are not tied to the API that made them). */
  refresh(refreshToken: string): Promise<IssuedTokens>
}

export function createSignInApi(deps: {
  purpose: SignInPurpose
  binding: SiweBinding
  newAccountStatus: AccountStatus
  challenges: ChallengeService
  accounts: AccountStore
  evmCrypto: EvmCrypto
  sessions: SessionService
  accessTokens: AccessTokens
  audit: AuditLog
  clock: Clock
  findAccount(accountId: string): Promise<Account>
  /** Contract wallets (EIP-1271/6492) on the chains it has a node for. */
  chains?: ChainReader | undefined
  /** The per-IP budget of RPC-backed attempts: throws RATE_LIMITED when spent. */
  chainBudget?: (ip: string) => Promise<void>
}): SignInApi {
  const { purpose, sessions, audit, clock } = deps
  const siwe = createSiweVerifier({ ...deps, purpose })

  /** Runs a sign-in and writes its outcome, success or refusal code, to the audit log. */
  const verify = async (proof: SiweProof, context: RequestContext) => {
    const { account, contractWallet } = await siwe.verify(proof, {
      beforeChainCall: async () => deps.chainBudget?.(context.ip),
    })
    /** What the new session records: the context, and a contract wallet's check (EOAs: nothing). */
    const start = { accountId: account.id, ...context, ...(contractWallet ? { contractWallet } : {}) }
    return { account, start, contractWallet: contractWallet !== undefined }
  }

  /** The success event, written in the new session's own transaction (sessions.start). */
  const succeeded =
    (account: Account, context: RequestContext, credential: string, contractWallet: boolean) =>
    (sessionId: string) => ({
      type: 'sign_in.succeeded' as const,
      accountId: account.id,
      ip: context.ip,
      detail: {
        session: sessionId,
        credential,
        via: purpose,
        ...(contractWallet ? { contractWallet: true } : {}),
      },
    })

  /** Runs a sign-in and audits its refusal code (its success is audited with its session). */
  const audited = async <T>(
    context: RequestContext,
    credential: string,
    signIn: () => Promise<T>,
  ): Promise<T> => {
    try {
      return await signIn()
    } catch (error) {
      if (isAuthError(error)) {
        await audit.recordRefusedSignIn({
          ip: context.ip,
          detail: { code: error.code, credential, via: purpose },
        })
      }
      throw error
    }
  }

  const tokensFor = async (account: Account, started: StartedSession): Promise<IssuedTokens> => {
    const access = await deps.accessTokens.issue({
      accountId: account.id,
      sessionId: started.session.id,
      scopes: signInScopes(account.status),
      clientId: purpose,
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
    purpose,
    binding: deps.binding,
    issueNonce: (address) => deps.challenges.issue({ purpose, ...(address ? { address } : {}) }),

    signIn: (proof, context) =>
      audited(context, 'token', async () => {
        const { account, start, contractWallet } = await verify(proof, context)
        const event = succeeded(account, context, 'token', contractWallet)
        const started = await sessions.start(start, event)
        audit.written(event(started.session.id))
        const tokens = await tokensFor(account, started)
        return { ...tokens, contractWallet }
      }),

    signInForCookie: (proof, context) =>
      audited(context, 'cookie', async () => {
        const { account, start, contractWallet } = await verify(proof, context)
        const event = succeeded(account, context, 'cookie', contractWallet)
        const { session, cookieValue } = await sessions.startCookie(start, event)
        audit.written(event(session.id))
        return { account, sessionId: session.id, cookieValue, expiresAt: session.expiresAt, contractWallet }
      }),

    async refresh(refreshToken) {
      const started = await sessions.refresh(refreshToken)
      return tokensFor(await deps.findAccount(started.session.accountId), started)
    },
  }
}
