// The gateway's sessions and tokens: the signing key ring, sessions (native and the dialects'
// own), the revocation list they share and the access tokens checked against it.
import type { Config } from '../../config.js'
import type { AuditLog } from '../audit/create-audit-log.js'
import { noChainReader } from '../chain/chain-reader.js'
import { recheckContractWallet } from '../chain/recheck-contract-wallet.js'
import type { ContractWalletCheck } from '../ports.js'
import { createDialectSessionRevocations } from '../revocation/dialect-session-revocations.js'
import type { RevocationBus } from '../revocation/revocation-bus.js'
import { createSessionService } from '../sessions/create-session-service.js'
import { createRevocationList } from '../sessions/revocation-list.js'
import { createAccessTokens } from '../tokens/create-access-tokens.js'
import { createKeyRing } from '../tokens/create-key-ring.js'
import type { GatewayDeps } from './gateway-types.js'

export function createSessionServices(
  config: Config,
  deps: GatewayDeps,
  audit: AuditLog,
  bus: RevocationBus,
) {
  const { stores, clock, dialects } = deps
  // The longest-lived access token any API issues decides how long a retired key keeps verifying.
  const accessTokenTtlSeconds = Math.max(
    config.accessTokenTtlSeconds,
    ...dialects.map((d) => d.core.accessTokenTtlSeconds?.(d.settings) ?? 0),
  )
  const accessTokenLifetimeMs = (accessTokenTtlSeconds + config.jwtClockToleranceSeconds) * 1000
  const keyRing = createKeyRing(stores.signingKeys, clock, {
    algorithm: config.jwtAlgorithm,
    // A retired key keeps verifying until the last token it signed (up to one refresh interval
    // after the rotation, on a replica that had not reloaded yet) has expired.
    retentionMs: accessTokenLifetimeMs + config.keyRingRefreshSeconds * 1000,
    leadMs: config.signingKeyLeadSeconds * 1000,
    ...(deps.masterKey ? { masterKey: deps.masterKey } : {}),
  })

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
      refreshReuseIntervalMs: config.refreshReuseIntervalSeconds * 1000,
      ...(config.recheckContractWalletsOnRefresh
        ? {
            recheckContractWallet: (check: ContractWalletCheck) =>
              recheckContractWallet(check, deps.chainReader ?? noChainReader),
          }
        : {}),
    },
    audit,
    bus,
  )
  const dialectSessions = createDialectSessionRevocations({
    sources: dialects.flatMap((d) => (d.core.sessionRevocations ? [d.core.sessionRevocations(stores)] : [])),
    revocations,
    bus,
    clock,
    accessTokenLifetimeMs,
  })
  const isSessionRevoked = (sid: string) =>
    dialectSessions.owns(sid) ? dialectSessions.isRevoked(sid) : sessions.isRevoked(sid)
  const accessTokens = createAccessTokens(keyRing, isSessionRevoked, clock, {
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    ttlSeconds: config.accessTokenTtlSeconds,
    clockToleranceSeconds: config.jwtClockToleranceSeconds,
  })

  return {
    /** How long an access token may be presented (the longest TTL plus the clock tolerance). */
    accessTokenLifetimeMs,
    keyRing,
    revocations,
    sessions,
    dialectSessions,
    accessTokens,
    /** Rebuilds the revocation list from the stores (native and dialect sessions). */
    restoreRevocations: () => Promise.all([sessions.restoreRevocations(), dialectSessions.restore()]),
  }
}

export type SessionServices = ReturnType<typeof createSessionServices>
