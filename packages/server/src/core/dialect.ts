import type { EvmCrypto } from '@sigil/protocol'
import type { AuditLog } from './audit/create-audit-log.js'
import type { Clock } from './clock.js'
import type { InviteService } from './invites/create-invite-service.js'
import type { Account, Stores } from './ports.js'
import type { ChannelRules } from './publish-hub/create-publish-hub.js'
import type { AccountStatus } from './scopes.js'
import type { SiweBinding } from './sign-in/siwe-checks.js'
import type { AccessTokens } from './tokens/create-access-tokens.js'

/** The binding every API starts from: the native API's domain, URI and chains (from publicUrl). */
export interface BaseSiweBinding {
  domain: string
  uri: string
  chainIds: readonly number[]
}

/** How an API binds SIWE messages to itself; unset (or undefined) fields keep the base binding's. */
export interface SiweBindingOverrides {
  domain?: string | undefined
  uri?: string | undefined
  chainIds?: readonly number[] | undefined
  /** A message must carry an Expiration Time at most this long after Issued At. */
  expirationRequiredWithinMs?: number | undefined
}

/** The domain, URI and chains an API's messages must name: its own where it sets them, else the base. */
export function resolveSiweBinding(
  base: BaseSiweBinding,
  overrides: SiweBindingOverrides,
): BaseSiweBinding & Pick<SiweBinding, 'expirationRequiredWithinMs'> {
  const { domain, uri, chainIds, expirationRequiredWithinMs } = overrides
  return {
    domain: domain ?? base.domain,
    uri: uri ?? base.uri,
    chainIds: chainIds ?? base.chainIds,
    ...(expirationRequiredWithinMs === undefined ? {} : { expirationRequiredWithinMs }),
  }
}

/** What core lends a dialect that brings services of its own (Paradex's Starknet onboarding). */
export interface DialectKit {
  stores: Stores
  clock: Clock
  evmCrypto: EvmCrypto
  accessTokens: AccessTokens
  invites: InviteService
  audit: AuditLog
  findAccount(accountId: string): Promise<Account>
  newAccountStatus: AccountStatus
  issuedAtSkewSeconds: number
  /**
   * Ends token sessions the dialect keeps itself (their `sid`s start with its
   * `sessionRevocations().prefix`): their access tokens stop verifying on every replica at once,
   * and the WebSockets they opened close, as a revoked session's do.
   */
  endSessions(sessionIds: readonly string[], at: number): Promise<void>
}

/**
 * Token sessions a dialect keeps outside the session store (Paradex subkeys): where their
 * revocations are read when the bus may have missed one, and at boot.
 */
export interface DialectSessionRevocations {
  /** Every `sid` of these sessions starts with it; no other session id does. */
  prefix: string
  /** The store's answer, for when the revocation list cannot be trusted alone. */
  isRevoked(sessionId: string): Promise<boolean>
  /** Sessions ended at or after `since` (their tokens may still be unexpired). */
  revokedSince(since: number): Promise<{ sessionId: string; revokedAt: number }[]>
}

/**
 * The half of a dialect that core sees (the transport half lives in http/dialects/<id>/): the
 * gateway loops over these and names no venue. Every member is optional; a dialect that only
 * speaks SIWE with its own binding declares `siwe` and nothing else.
 */
export interface CoreDialect<Settings = unknown, Services = unknown> {
  /** Sign-In with Ethereum through this API, with nonces of its own; absent: no SIWE sign-in. */
  siwe?(settings: Settings, base: BaseSiweBinding): SiweBindingOverrides
  /** Services the dialect's routes use besides the shared ones (built once, at boot). */
  services?(kit: DialectKit, settings: Settings): Services
  /** The lifetime of the access tokens it issues itself: signing keys are retained past the longest. */
  accessTokenTtlSeconds?(settings: Settings): number
  /** Channels of the publish hub it serves (its WebSocket). */
  channels?: ChannelRules
  /** Work to do at boot rather than in the first request (lookup tables). */
  warmUp?(): void
  /** Token sessions it keeps itself (DialectKit.endSessions ends them): how to read their revocations. */
  sessionRevocations?(stores: Stores): DialectSessionRevocations
}

/** An enabled dialect as the gateway receives it: its core half and its validated settings. */
export interface EnabledDialect {
  id: string
  core: CoreDialect
  settings: unknown
}
