// The gateway's ways in with a wallet signature: each dialect's SIWE sign-in and the agent keys a
// wallet authorizes, with the rate limiter and the per-IP budget of chain-node lookups they share.
import type { Config } from '../../config.js'
import {
  type AgentKeyRegistrar,
  agentKeyBindingOf,
  createAgentKeyService,
} from '../agent-keys/create-agent-key-service.js'
import type { AuditLog } from '../audit/create-audit-log.js'
import type { ChallengeService } from '../challenges/create-challenge-service.js'
import { AuthError } from '../errors.js'
import type { Account } from '../ports.js'
import { createRateLimiter } from '../rate-limit/create-rate-limiter.js'
import type { AccountStatus } from '../scopes.js'
import type { SessionService } from '../sessions/create-session-service.js'
import { createSignInApis } from '../sign-in/create-sign-in-apis.js'
import type { AccessTokens } from '../tokens/create-access-tokens.js'
import type { GatewayDeps } from './gateway-types.js'

/** What the sign-ins share with the rest of the gateway. */
export interface SignInParts {
  challenges: ChallengeService
  sessions: SessionService
  accessTokens: AccessTokens
  audit: AuditLog
  findAccount(accountId: string): Promise<Account>
  newAccountStatus: AccountStatus
  /** Where agent keys are registered and revoked (the API keys, with the revocation's broadcast). */
  agentKeyRegistrar: AgentKeyRegistrar
}

export function createSignInServices(config: Config, deps: GatewayDeps, parts: SignInParts) {
  const { stores, clock, dialects } = deps
  const { challenges, audit, findAccount, newAccountStatus } = parts
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
      sessions: parts.sessions,
      accessTokens: parts.accessTokens,
      audit,
      clock,
      findAccount,
      chains: deps.chainReader,
      chainBudget,
    },
  })

  const agentKeys = createAgentKeyService({
    binding: agentKeyBindingOf(config),
    // The nonces of POST /v1/auth/nonce, bound as its SIWE sign-in binds them.
    challenges,
    noncePurpose: 'native',
    accounts: stores.accounts,
    newAccountStatus,
    evmCrypto: deps.evmCrypto,
    clock,
    chains: deps.chainReader,
    chainBudget,
    keys: parts.agentKeyRegistrar,
    audit,
  })

  return { rateLimiter, signIns, agentKeys }
}
