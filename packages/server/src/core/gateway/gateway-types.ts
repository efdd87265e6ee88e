// What core hands its transports (the Gateway facade) and what the composition root hands core
// (GatewayDeps); built by createGateway (core/gateway.ts), which re-exports both.
import type { EvmCrypto, JsonWebKeySet } from '@sigil/protocol'
import type { SignedRequest } from '@sigil/protocol/http-signatures'
import type { AgentKeyService } from '../agent-keys/create-agent-key-service.js'
import type { SignedRequestCheck } from '../api-keys/signed-request-verifier.js'
import type { AuditLog } from '../audit/create-audit-log.js'
import type { ChainReader } from '../chain/chain-reader.js'
import type { Clock } from '../clock.js'
import type { AccountActions } from '../create-account-actions.js'
import type { OperatorActions } from '../create-operator-actions.js'
import type { PresentedCredentials } from '../credentials/choose-credential.js'
import type {
  ConnectionCredential,
  ConnectionCredentialCheck,
} from '../credentials/create-credential-authenticator.js'
import type { EnabledDialect } from '../dialect.js'
import type { ForwardAuth } from '../forward-auth/create-forward-auth.js'
import type { GeoService, IpCountryDatabase } from '../geo/create-geo-service.js'
import type { Identity } from '../identity.js'
import type { LiveConnections } from '../live-connections/create-live-connections.js'
import type { GatewayEvents, Readiness } from '../observe.js'
import type { Stores } from '../ports.js'
import type { PublishHub, PublishTransport } from '../publish-hub/create-publish-hub.js'
import type { RateLimiter } from '../rate-limit/create-rate-limiter.js'
import type { RevocationBus } from '../revocation/revocation-bus.js'
import type { SignInApi } from '../sign-in/create-sign-in-api.js'

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
  /** Agent keys a wallet authorizes or revokes with an EIP-712 signature, without a session. */
  agentKeys: AgentKeyService
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
