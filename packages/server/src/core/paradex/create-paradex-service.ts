import { randomUUID } from 'node:crypto'
import {
  deriveParadexAccountAddress,
  PARADEX_AUTH_REQUEST,
  type ParadexAccountClassHashes,
  paradexOnboardingHash,
  paradexRequestHash,
  verifyStarkSignature,
} from '@sigil/protocol'
import type { AuditLog } from '../audit/create-audit-log.js'
import type { Clock } from '../clock.js'
import { AuthError, isAuthError } from '../errors.js'
import type { Identity } from '../identity.js'
import type { StarknetAccount, StarknetAccountStore } from '../ports.js'
import type { AccountStatus, Scope } from '../scopes.js'
import type { RequestContext } from '../sign-in/create-sign-in-api.js'
import type { AccessTokens } from '../tokens/create-access-tokens.js'
import { checkParadexTimeWindow } from './paradex-time-window.js'
import {
  parseEthAddress,
  parsePublicKey,
  parseStarknetAccount,
  parseStarknetSignature,
} from './parse-starknet-input.js'

export interface ParadexServiceOptions {
  /** `starknet_chain_id` of the typed-data domain. */
  chainId: string
  classHashes: ParadexAccountClassHashes
  tokenTtlSeconds: number
  /** How far in the future PARADEX-TIMESTAMP may be. */
  timestampSkewSeconds: number
  newAccountStatus: AccountStatus
}

/** Header values as received; every one is parsed and checked here, not in the dialect. */
export interface OnboardingRequest {
  account?: string | undefined
  publicKey?: string | undefined
  signature?: string | undefined
  ethAddress?: string | undefined
}

export interface ParadexAuthRequest {
  account?: string | undefined
  signature?: string | undefined
  timestamp?: string | undefined
  expiration?: string | undefined
  /** `POST /v1/auth/{public_key}`: must be the onboarded key (subkeys do not exist yet). */
  publicKey?: string | undefined
}

/** A Paradex JWT trades; it never manages credentials (headers are replayable until expiration). */
const paradexScopes = (status: AccountStatus): readonly Scope[] =>
  status === 'active' ? ['read', 'trade'] : ['read']

export function createParadexService(deps: {
  starknetAccounts: StarknetAccountStore
  accessTokens: AccessTokens
  audit: AuditLog
  clock: Clock
  findStatus(accountId: string): Promise<AccountStatus>
  options: ParadexServiceOptions
}) {
  const { starknetAccounts, clock, options } = deps

  const deriveAddress = (publicKey: bigint): bigint => {
    const derived = deriveParadexAccountAddress({ publicKey, ...options.classHashes })
    if (!derived.ok) throw new AuthError('PUBLIC_KEY_INVALID', derived.reason)
    return derived.value
  }

  const verify = (msgHash: bigint, signature: { r: bigint; s: bigint }, publicKey: bigint) => {
    const verified = verifyStarkSignature({ msgHash, signature, publicKey })
    if (!verified.ok) throw new AuthError('INVALID_SIGNATURE', verified.reason)
  }

  /** Paradex §4: the signed window, the onboarded key, the Request typed data rebuilt here. */
  const authenticate = async (request: ParadexAuthRequest): Promise<Identity & { account: string }> => {
    const account = parseStarknetAccount(request.account)
    const signature = parseStarknetSignature(request.signature)
    const named = request.publicKey === undefined ? undefined : parsePublicKey(request.publicKey)
    if (request.timestamp === undefined) throw new AuthError('TIMESTAMP_INVALID', 'timestamp missing')
    const window = checkParadexTimeWindow(
      { timestamp: request.timestamp, expiration: request.expiration },
      clock.now(),
      options.timestampSkewSeconds,
    )
    // Looked up before any hashing: an unknown account costs one indexed read, no curve math.
    const record = await starknetAccounts.find(account.hex)
    if (!record) throw new AuthError('NOT_ONBOARDED', 'unknown starknet account')
    if (named && named.hex !== record.publicKey) {
      throw new AuthError('PUBLIC_KEY_INVALID', 'not the onboarded key', { detail: 'not_onboarded_key' })
    }
    const hash = paradexRequestHash({
      chainId: options.chainId,
      account: account.felt,
      ...PARADEX_AUTH_REQUEST,
      timestamp: window.timestamp,
      expiration: window.expiration,
    })
    if (!hash.ok) throw new AuthError('TIMESTAMP_INVALID', hash.reason)
    verify(hash.value, signature, BigInt(record.publicKey))
    return {
      account: record.account,
      accountId: record.accountId,
      scopes: paradexScopes(await deps.findStatus(record.accountId)),
      via: 'jwt',
    }
  }

  return {
    /** Paradex §3: the key must derive the account, and must have signed the Onboarding data. */
    async onboard(request: OnboardingRequest): Promise<StarknetAccount> {
      const account = parseStarknetAccount(request.account)
      const signature = parseStarknetSignature(request.signature)
      const publicKey = parsePublicKey(request.publicKey)
      const ethAddress = parseEthAddress(request.ethAddress)
      if (deriveAddress(publicKey.felt) !== account.felt) {
        throw new AuthError('PUBLIC_KEY_INVALID', 'key does not derive the account', {
          detail: 'address_mismatch',
        })
      }
      const hash = paradexOnboardingHash({ chainId: options.chainId, account: account.felt })
      if (!hash.ok) throw new AuthError('STARKNET_ADDRESS_INVALID', hash.reason)
      verify(hash.value, signature, publicKey.felt)
      const outcome = await starknetAccounts.register(
        { account: account.hex, signerType: 'starknet', publicKey: publicKey.hex, ...(ethAddress ? { ethAddress } : {}) },
        clock.now(),
        options.newAccountStatus,
      )
      // Unreachable while the class hashes stay put (the address is a hash of the key), but a
      // changed configuration must not let a second key take over an onboarded account.
      if (outcome.status === 'key_mismatch') {
        throw new AuthError('PUBLIC_KEY_INVALID', 'account onboarded with another key', {
          detail: 'key_mismatch',
        })
      }
      return outcome.record
    },

    /** `GET /v1/onboarding`: the address the key derives, and whether it is onboarded. */
    async status(publicKeyText: string | undefined) {
      const publicKey = parsePublicKey(publicKeyText)
      const address = deriveAddress(publicKey.felt)
      const record = await starknetAccounts.find(`0x${address.toString(16)}`)
      return { address: `0x${address.toString(16)}`, exists: record?.publicKey === publicKey.hex }
    },

    authenticate,

    /** Authenticates and issues the 300-second access JWT whose `sub` is the Starknet account. */
    async signIn(request: ParadexAuthRequest, context: RequestContext) {
      try {
        const identity = await authenticate(request)
        // No stored session: the JWT is short and un-refreshable, as Paradex's; the sid is fresh.
        const sessionId = `paradex:${randomUUID()}`
        const issued = await deps.accessTokens.issue({
          accountId: identity.accountId,
          sessionId,
          scopes: identity.scopes,
          clientId: 'paradex',
          ttlSeconds: options.tokenTtlSeconds,
        })
        await deps.audit.record({
          type: 'sign_in.succeeded',
          accountId: identity.accountId,
          ip: context.ip,
          detail: { credential: 'token', via: 'paradex' },
        })
        return { ...issued, identity: { ...identity, sessionId } }
      } catch (error) {
        if (isAuthError(error)) {
          await deps.audit.record({
            type: 'sign_in.failed',
            ip: context.ip,
            detail: { code: error.code, credential: 'token', via: 'paradex' },
          })
        }
        throw error
      }
    },
  }
}

export type ParadexService = ReturnType<typeof createParadexService>
