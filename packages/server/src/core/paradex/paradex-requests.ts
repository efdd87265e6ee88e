import type { ParadexAccountClassHashes } from '@sigil/protocol'
import type { AccountStatus } from '../scopes.js'
import type { ParadexSiweSettings } from './check-paradex-siwe.js'

/** The inputs of the Paradex service: its configuration, and header values as received. */

export interface ParadexServiceOptions {
  /** `starknet_chain_id` of the typed-data domain. */
  chainId: string
  classHashes: ParadexAccountClassHashes
  /** v2 (EVM) requests: the SIWE binding and the EVM account class. */
  siwe: ParadexSiweSettings
  tokenTtlSeconds: number
  /** How far in the future PARADEX-TIMESTAMP may be. */
  timestampSkewSeconds: number
  newAccountStatus: AccountStatus
  /** Each signed auth message mints one token until it expires (off: Paradex accepts replays). */
  strictReplay: boolean
}

/** Header values as received; every one is parsed and checked here, not in the dialect. */
export interface OnboardingRequest {
  account?: string | undefined
  publicKey?: string | undefined
  signature?: string | undefined
  ethAddress?: string | undefined
  /** Body `referral_code`: with `invitesRequired`, a Sigil invite code that activates the account. */
  referralCode?: string | undefined
}

export interface ParadexAuthRequest {
  account?: string | undefined
  signature?: string | undefined
  timestamp?: string | undefined
  expiration?: string | undefined
  /** `POST /v1/auth/{public_key}`: the onboarded key, or an active subkey of the account. */
  publicKey?: string | undefined
  /** PARADEX-AUTHORIZE-ISOLATED-MARKETS: `true` extends the token to the isolated-market accounts. */
  authorizeIsolatedMarkets?: string | undefined
}

/** v2: PARADEX-STARKNET-ACCOUNT, PARADEX-EVM-SIGNATURE and the base64 PARADEX-SIWE-MESSAGE. */
export interface ParadexEvmRequest {
  account?: string | undefined
  signature?: string | undefined
  message?: string | undefined
}

export interface ParadexEvmOnboardingRequest extends ParadexEvmRequest {
  /** Body `public_key`: the signer's uncompressed secp256k1 key (`0x04…`); checked when sent. */
  publicKey?: string | undefined
  referralCode?: string | undefined
}

export interface ParadexEvmAuthRequest extends ParadexEvmRequest {
  authorizeIsolatedMarkets?: string | undefined
}
