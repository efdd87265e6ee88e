import { createHash } from 'node:crypto'
import {
  addressToBytes,
  bytesEqual,
  deriveParadexAccountAddress,
  type EvmCrypto,
  feltToHex,
  paradexOnboardingHash,
  publicKeyToAddress,
} from '@sigil/protocol'
import type { AuditLog } from '../audit/create-audit-log.js'
import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import type { Identity } from '../identity.js'
import type { InviteService } from '../invites/create-invite-service.js'
import type {
  Address,
  IsolatedAccountStore,
  ParadexSubkeyStore,
  SignatureUseStore,
  StarknetAccount,
  StarknetAccountStore,
  StarknetSignerType,
} from '../ports.js'
import type { AccountStatus } from '../scopes.js'
import type { RequestContext } from '../sign-in/create-sign-in-api.js'
import { verifySiweSigner } from '../sign-in/siwe-checks.js'
import type { AccessTokens } from '../tokens/create-access-tokens.js'
import { createStarkAuthenticator, paradexScopes, verifyStark } from './authenticate-stark.js'
import {
  checkParadexSiwe,
  type ParadexSiwePurpose,
  paradexEvmAccountOf,
  paradexSiweBinding,
} from './check-paradex-siwe.js'
import { createParadexTokenIssuer, type VerifiedParadexAuth } from './issue-paradex-token.js'
import type {
  OnboardingRequest,
  ParadexAuthRequest,
  ParadexEvmAuthRequest,
  ParadexEvmOnboardingRequest,
  ParadexEvmRequest,
  ParadexServiceOptions,
} from './paradex-requests.js'
import {
  parseEthAddress,
  parsePublicKey,
  parseStarknetAccount,
  parseStarknetSignature,
} from './parse-starknet-input.js'

const UNCOMPRESSED_KEY = /^0x04[0-9a-fA-F]{128}$/

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

export function createParadexService(deps: {
  starknetAccounts: StarknetAccountStore
  signatureUses: SignatureUseStore
  isolatedAccounts: IsolatedAccountStore
  subkeys: ParadexSubkeyStore
  accessTokens: AccessTokens
  invites: InviteService
  evmCrypto: EvmCrypto
  audit: AuditLog
  clock: Clock
  findStatus(accountId: string): Promise<AccountStatus>
  options: ParadexServiceOptions
}) {
  const { starknetAccounts, clock, options } = deps
  const siweBinding = {
    onboarding: paradexSiweBinding(options.siwe, 'onboarding'),
    auth: paradexSiweBinding(options.siwe, 'auth'),
  }

  const deriveAddress = (publicKey: bigint): bigint => {
    const derived = deriveParadexAccountAddress({ publicKey, ...options.classHashes })
    if (!derived.ok) throw new AuthError('PUBLIC_KEY_INVALID', derived.reason)
    return derived.value
  }

  /** The onboarded record for `account` with the expected signer type, else NOT_ONBOARDED. */
  const findOnboarded = async (account: string, signerType: StarknetSignerType) => {
    const record = await starknetAccounts.find(account)
    if (!record) throw new AuthError('NOT_ONBOARDED', 'unknown starknet account')
    if (record.signerType !== signerType) {
      // A Starknet-key account cannot sign in with SIWE, nor the reverse.
      throw new AuthError('INVALID_SIGNATURE', `account signs with ${record.signerType}`, {
        detail: 'signer_type',
      })
    }
    return record
  }

  /** The main key's identity (v1 Stark or v2 EVM signer): it may also manage subkeys. */
  const identityOf = async (record: StarknetAccount): Promise<Identity> => ({
    accountId: record.accountId,
    scopes: [...paradexScopes(await deps.findStatus(record.accountId)), 'keys'],
    via: 'jwt',
  })

  /**
   * Paradex's onboarding body carries a `referral_code`; with `invitesRequired` it is where a
   * Paradex client redeems a Sigil invite (a Paradex JWT never holds the `account` scope the
   * native redeem route needs). Onboarding is complete either way: a refused code leaves the
   * account onboarded and pending, and onboarding again with a good code activates it.
   */
  const redeemReferral = async (accountId: string, referralCode: string | undefined) => {
    if (referralCode === undefined || options.newAccountStatus === 'active') return
    if ((await deps.findStatus(accountId)) !== 'pending') return
    await deps.invites.redeem(accountId, referralCode)
    await deps.audit.record({ type: 'invite.redeemed', accountId, detail: { via: 'paradex' } })
  }

  const register = async (input: Parameters<StarknetAccountStore['register']>[0]) => {
    const outcome = await starknetAccounts.register(input, clock.now(), options.newAccountStatus)
    // Unreachable while the class hashes stay put (the address is a hash of the signer), but a
    // changed configuration must not let a second signer take over an onboarded account.
    if (outcome.status === 'key_mismatch') {
      throw new AuthError('PUBLIC_KEY_INVALID', 'account onboarded with another signer', {
        detail: 'key_mismatch',
      })
    }
    if (outcome.status === 'isolated_account') {
      throw new AuthError('STARKNET_ADDRESS_INVALID', 'address is an isolated-market account', {
        detail: 'isolated_account',
      })
    }
    if (outcome.status === 'registered') {
      await deps.audit.record({
        type: 'account.onboarded',
        accountId: outcome.record.accountId,
        detail: { via: 'paradex', signer: input.signerType },
      })
    }
    return outcome.record
  }

  const authenticate = createStarkAuthenticator({
    starknetAccounts,
    subkeys: deps.subkeys,
    clock,
    findStatus: deps.findStatus,
    identityOf,
    chainId: options.chainId,
    timestampSkewSeconds: options.timestampSkewSeconds,
  })

  /** Paradex §7: SIWE checks, then the onboarded EVM signer, then recovery over the exact text. */
  const checkEvm = (request: ParadexEvmRequest, purpose: ParadexSiwePurpose) =>
    checkParadexSiwe(request, purpose, siweBinding[purpose], options.siwe, clock.now())

  const authenticateEvm = async (request: ParadexEvmAuthRequest): Promise<VerifiedParadexAuth> => {
    const { account, message, fields } = checkEvm(request, 'auth')
    const record = await findOnboarded(account.hex, 'eip191')
    const signer = fields.address as Address
    if (record.publicKey !== signer.toLowerCase()) {
      throw new AuthError('INVALID_SIGNATURE', 'not the onboarded signer')
    }
    verifySiweSigner(message, request.signature ?? '', signer, deps.evmCrypto)
    return {
      identity: await identityOf(record),
      // The text, not the signature: v ∈ {0,1,27,28} spell one signature several ways.
      replayKey: `paradex:v2:${account.hex}:${sha256(message)}`,
      // checkParadexSiwe requires an Expiration Time on auth messages.
      expiresAt: fields.expirationTimeMs!,
    }
  }

  const issue = createParadexTokenIssuer({
    accessTokens: deps.accessTokens,
    signatureUses: deps.signatureUses,
    isolatedAccounts: deps.isolatedAccounts,
    audit: deps.audit,
    clock,
    strictReplay: options.strictReplay,
    tokenTtlSeconds: options.tokenTtlSeconds,
  })

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
      verifyStark(hash.value, signature, publicKey.felt)
      const record = await register({
        account: account.hex,
        signerType: 'starknet',
        publicKey: publicKey.hex,
        ...(ethAddress ? { ethAddress } : {}),
      })
      await redeemReferral(record.accountId, request.referralCode)
      return record
    },

    /**
     * Paradex §7 `POST /v2/onboarding`: a `Paradex Onboarding` SIWE message signed by the EVM key
     * whose Argent account is the header account. The body key, when sent, must be that signer's.
     */
    async onboardEvm(request: ParadexEvmOnboardingRequest): Promise<StarknetAccount> {
      const { account, message, fields } = checkEvm(request, 'onboarding')
      const signer = fields.address as Address
      if (request.publicKey !== undefined) {
        const address = UNCOMPRESSED_KEY.test(request.publicKey)
          ? publicKeyToAddress(Buffer.from(request.publicKey.slice(2), 'hex'), deps.evmCrypto)
          : null
        if (!address || !bytesEqual(address, addressToBytes(signer))) {
          throw new AuthError('PUBLIC_KEY_INVALID', 'not the signer key', { detail: 'not_the_signer_key' })
        }
      }
      verifySiweSigner(message, request.signature ?? '', signer, deps.evmCrypto)
      const record = await register({
        account: account.hex,
        signerType: 'eip191',
        publicKey: signer.toLowerCase(),
        ethAddress: signer,
      })
      await redeemReferral(record.accountId, request.referralCode)
      return record
    },

    /** `GET /v1/onboarding`: the address the signer derives, and whether it is onboarded. */
    async status(publicKeyText: string | undefined) {
      const publicKey = parsePublicKey(publicKeyText)
      const address = feltToHex(deriveAddress(publicKey.felt))
      const record = await starknetAccounts.find(address)
      return { address, exists: record?.signerType === 'starknet' && record.publicKey === publicKey.hex }
    },

    /** `GET /v1/onboarding?account_signer_type=eip191`: the Argent address of an eth address. */
    async evmStatus(ethAddressText: string | undefined) {
      const ethAddress = parseEthAddress(ethAddressText)
      if (!ethAddress)
        throw new AuthError('VALIDATION_FAILED', 'eth address missing', { detail: 'eth_address' })
      const address = paradexEvmAccountOf(ethAddress, options.siwe.evmAccountClassHash)
      const record = await starknetAccounts.find(address)
      return {
        address,
        exists: record?.signerType === 'eip191' && record.publicKey === ethAddress.toLowerCase(),
      }
    },

    /** Authenticates and issues the 300-second access JWT whose `sub` is the Starknet account. */
    signIn: (request: ParadexAuthRequest, context: RequestContext) =>
      issue(() => authenticate(request), request.authorizeIsolatedMarkets, context, 'paradex'),

    /** The same JWT for an EVM-signer account (`POST /v2/auth`). */
    signInEvm: (request: ParadexEvmAuthRequest, context: RequestContext) =>
      issue(() => authenticateEvm(request), request.authorizeIsolatedMarkets, context, 'paradex_evm'),
  }
}

export type ParadexService = ReturnType<typeof createParadexService>
