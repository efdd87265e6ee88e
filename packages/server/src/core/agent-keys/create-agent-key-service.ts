import {
  type AgentAuthorization,
  type AgentDomain,
  type EvmCrypto,
  hashAgentAuthorization,
  hashAgentRevocation,
  jwkThumbprint,
  parseAgentAuthorization,
  parseAgentRevocation,
  validateAgentAuthorization,
  validateAgentRevocation,
} from '@sigil/protocol'
import { httpSignatureAlgorithmOf, type PublicKeyJwk } from '@sigil/protocol/http-signatures'
import type { Config } from '../../config.js'
import { checkedJwk } from '../api-keys/new-key-rules.js'
import type { AuditLog } from '../audit/create-audit-log.js'
import type { ChainReader } from '../chain/chain-reader.js'
import { checkWalletSignatureShape, verifyWalletSignature } from '../chain/verify-wallet-signature.js'
import type { ChallengeService } from '../challenges/create-challenge-service.js'
import type { Clock } from '../clock.js'
import { AuthError, isAuthError } from '../errors.js'
import { clientKey } from '../network/ip-address.js'
import type { Account, AccountStore, Address } from '../ports.js'
import type { AccountStatus } from '../scopes.js'
import { parseError, validationError } from './agent-message-errors.js'

/** What an agent authorization must name to register here; from configuration only. */
export interface AgentKeyBinding {
  /** EIP-712 domain name (`agentKeyDomainName`). */
  domainName: string
  /** `siweScheme://siweDomain`. */
  origin: string
  /** The sign-in chains (`siweChainIds`). */
  chainIds: readonly number[]
  issuedAtSkewMs: number
  /** The nonce TTL: no message predates its nonce. */
  maxAgeMs: number
  /** `agentKeyMaxDays`. */
  maxLifetimeMs: number
}

const DAY_MS = 86_400_000

/** The binding from the settings: SIWE's origin, chains, skew and nonce TTL, and agentKey*. */
export const agentKeyBindingOf = (
  config: Pick<
    Config,
    | 'agentKeyDomainName'
    | 'agentKeyMaxDays'
    | 'siweScheme'
    | 'siweDomain'
    | 'siweChainIds'
    | 'issuedAtSkewSeconds'
    | 'nonceTtlSeconds'
  >,
): AgentKeyBinding => ({
  domainName: config.agentKeyDomainName,
  origin: `${config.siweScheme}://${config.siweDomain}`,
  chainIds: config.siweChainIds,
  issuedAtSkewMs: config.issuedAtSkewSeconds * 1000,
  maxAgeMs: config.nonceTtlSeconds * 1000,
  maxLifetimeMs: config.agentKeyMaxDays * DAY_MS,
})

/** The new signed-request key the service asks for, once the wallet's signature checked out. */
export interface AgentKeyRequest {
  name: string
  scope: AgentAuthorization['scope']
  /** The public JWK the request carried (checked); its thumbprint is the one the wallet signed. */
  publicKey: PublicKeyJwk
  expiresAt: number
}

/** The API-key side this service needs (the signed-request keys of core/api-keys). */
export interface AgentKeyRegistrar {
  /** Stores the public key as a signed-request key of the account, origin `agent`; returns its id. */
  register(account: Account, request: AgentKeyRequest): Promise<{ id: string }>
  /** Revokes the account's active key (API_KEY_NOT_FOUND otherwise), on every replica. */
  revoke(accountId: string, keyId: string): Promise<void>
}

export interface AgentKeyContext {
  ip: string
}

export interface SignedAgentMessage {
  /** `{ domain, message }` as the wallet signed it (EIP-712). */
  typedData: unknown
  signature: string
}

/**
 * Agent keys a wallet authorizes with one EIP-712 signature, without a session (issue #16), and
 * revokes with another. The checks run in SIWE's order (create-siwe-verifier.ts): strict parse,
 * binding (domain name, origin, chain allowlist) and time window (free, stateless) → signature
 * shape → the single-use nonce, consumed atomically and bound as SIWE's (purpose `native`, the
 * wallet's address) → recovery of the EIP-712 digest (low-s), then EIP-1271/6492 on the
 * message's chain where contract wallets are configured → the wallet's account, found or created
 * as a sign-in does → the key. Successes are audited; refusals too, sampled per client as refused
 * sign-ins are (anyone can cause them at any rate).
 */
export function createAgentKeyService(deps: {
  binding: AgentKeyBinding
  /** The nonces of `POST /v1/auth/nonce`, under their purpose. */
  challenges: ChallengeService
  noncePurpose: string
  accounts: AccountStore
  newAccountStatus: AccountStatus
  evmCrypto: EvmCrypto
  clock: Clock
  chains?: ChainReader | undefined
  /** The per-IP budget of RPC-backed attempts (contract wallets): throws RATE_LIMITED when spent. */
  chainBudget?: (ip: string) => Promise<void>
  keys: AgentKeyRegistrar
  audit: AuditLog
}) {
  const { binding, clock } = deps
  const expectations = () => ({ ...binding, now: clock.now() })

  /** Runs one use case; an AuthError refusal is written to the audit log (sampled) and rethrown. */
  const audited = async <T>(
    action: 'authorize' | 'revoke',
    context: AgentKeyContext,
    run: () => Promise<T>,
  ) => {
    try {
      return await run()
    } catch (error) {
      if (isAuthError(error))
        await deps.audit.recordSampled(`agent_key.refused:${action}:${clientKey(context.ip)}`, {
          type: 'agent_key.refused',
          ip: context.ip,
          detail: { action, code: error.code, ...(error.detail ? { reason: error.detail } : {}) },
        })
      throw error
    }
  }

  /** Nonce, then signature: what both messages share once their free checks passed. */
  const proveWallet = async (
    parsed: { domain: AgentDomain; message: { wallet: `0x${string}`; nonce: string }; issuedAtMs: number },
    signature: string,
    digest: () => Uint8Array,
    context: AgentKeyContext,
  ) => {
    const { domain, message } = parsed
    const address = message.wallet as Address
    checkWalletSignatureShape(signature, domain.chainId, deps.chains)
    const challenge = await deps.challenges.consume(message.nonce, { purpose: deps.noncePurpose, address })
    if (parsed.issuedAtMs < challenge.createdAt - binding.issuedAtSkewMs) {
      throw new AuthError('ISSUED_AT_INVALID', 'issued before its nonce', {
        detail: 'issued_at_before_nonce',
      })
    }
    const verdict = await verifyWalletSignature(
      { digest: digest(), signature, address, chainId: domain.chainId },
      {
        evmCrypto: deps.evmCrypto,
        chains: deps.chains,
        beforeChainCall: async () => deps.chainBudget?.(context.ip),
      },
    )
    return { address, contractWallet: verdict.contractWallet }
  }

  return {
    /** What an authorization must name here (the nonce route tells clients). */
    binding,
    /** Registers the agent's key for the wallet's account; returns the account and the new key. */
    authorize: (
      request: SignedAgentMessage & { publicKey: unknown },
      context: AgentKeyContext,
    ): Promise<{ account: Account; keyId: string; scope: AgentAuthorization['scope']; expiresAt: number }> =>
      audited('authorize', context, async () => {
        const parsed = parseAgentAuthorization(request.typedData)
        if (!parsed.ok) throw parseError(parsed.reason)
        const valid = validateAgentAuthorization(parsed.value, expectations())
        if (!valid.ok) throw validationError(valid.reason)
        const { domain, message } = parsed.value
        // The key the wallet named, checked before the nonce is spent: a bad or swapped key costs no nonce.
        const publicKey = checkedJwk(request.publicKey)
        if (jwkThumbprint(publicKey) !== message.agentKey) {
          throw new AuthError('AGENT_AUTHORIZATION_INVALID', 'publicKey is not the signed agentKey', {
            detail: 'agent_key_mismatch',
          })
        }

        const proof = await proveWallet(
          parsed.value,
          request.signature,
          () => hashAgentAuthorization(domain, message, deps.evmCrypto),
          context,
        )
        const account = await deps.accounts.findOrCreateByAddress(
          proof.address,
          clock.now(),
          deps.newAccountStatus,
        )
        const key = await deps.keys.register(account, {
          name: message.keyName,
          scope: message.scope,
          publicKey,
          expiresAt: parsed.value.expiresAtMs,
        })
        await deps.audit.record({
          type: 'agent_key.authorized',
          accountId: account.id,
          ip: context.ip,
          detail: {
            key: key.id,
            scope: message.scope,
            agentKey: message.agentKey,
            alg: httpSignatureAlgorithmOf(publicKey),
            chainId: domain.chainId,
            ...(proof.contractWallet ? { contractWallet: true } : {}),
          },
        })
        return { account, keyId: key.id, scope: message.scope, expiresAt: parsed.value.expiresAtMs }
      }),

    /** Revokes a key of the wallet's account on the wallet's own EIP-712 signature. */
    revoke: (request: SignedAgentMessage, context: AgentKeyContext): Promise<{ keyId: string }> =>
      audited('revoke', context, async () => {
        const parsed = parseAgentRevocation(request.typedData)
        if (!parsed.ok) throw parseError(parsed.reason)
        const valid = validateAgentRevocation(parsed.value, expectations())
        if (!valid.ok) throw validationError(valid.reason)
        const { domain, message } = parsed.value
        const proof = await proveWallet(
          parsed.value,
          request.signature,
          () => hashAgentRevocation(domain, message, deps.evmCrypto),
          context,
        )
        // A wallet that never signed in has no keys: the same answer as another account's key.
        const account = await deps.accounts.findByAddress(proof.address)
        if (!account) throw new AuthError('API_KEY_NOT_FOUND', 'the wallet has no account')
        await deps.keys.revoke(account.id, message.keyId)
        await deps.audit.record({
          type: 'agent_key.revoked',
          accountId: account.id,
          ip: context.ip,
          detail: {
            key: message.keyId,
            by: 'wallet_signature',
            ...(proof.contractWallet ? { contractWallet: true } : {}),
          },
        })
        return { keyId: message.keyId }
      }),
  }
}

export type AgentKeyService = ReturnType<typeof createAgentKeyService>
