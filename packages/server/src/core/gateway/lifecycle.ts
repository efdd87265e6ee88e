// The gateway's life: what serving loads first (start), how revocations from other replicas are
// applied, the periodic chores (tick), readiness, and the orderly close.
import type { Config } from '../../config.js'
import type { ApiKeyService } from '../api-keys/create-api-key-service.js'
import type { LiveConnections } from '../live-connections/create-live-connections.js'
import { checkReadiness, notify } from '../observe.js'
import type { RevocationBus } from '../revocation/revocation-bus.js'
import type { Gateway, GatewayDeps } from './gateway-types.js'
import type { SessionServices } from './session-services.js'

const DAY_MS = 86_400_000

export function createLifecycle(
  config: Config,
  deps: GatewayDeps,
  parts: {
    bus: RevocationBus
    apiKeys: ApiKeyService
    liveConnections: LiveConnections
    sessionServices: SessionServices
  },
): Pick<Gateway, 'start' | 'ready' | 'tick' | 'close'> {
  const { stores, clock, dialects } = deps
  const { bus, apiKeys, liveConnections } = parts
  const { keyRing, revocations, restoreRevocations, accessTokenLifetimeMs } = parts.sessionServices
  /** Connections whose session the (just rebuilt) revocation list names end. */
  const isListedRevoked = (sessionId: string) => revocations.has(sessionId, clock.now())

  return {
    async start() {
      for (const { core } of dialects) core.warmUp?.()
      await keyRing.load()
      await restoreRevocations()
      bus.listen({
        apply(revocation) {
          if (revocation.kind === 'signing_keys') void keyRing.refresh().catch(() => {})
          else if (revocation.kind === 'api_keys') {
            // The cache first: the sockets re-checked next must read the changed key.
            apiKeys.forget(revocation.keyIds)
            void liveConnections.apiKeysChanged(revocation.keyIds, revocation.change)
          } else {
            for (const id of revocation.sessionIds) revocations.add(id, revocation.at + accessTokenLifetimeMs)
            liveConnections.sessionsEnded(revocation.sessionIds)
            notify(() => deps.events?.revocationApplied?.(Math.max(0, clock.now() - revocation.at)))
          }
        },
        // After a gap in which messages may have been lost: the store is the truth.
        resync: async () => {
          // Before any await: the bus is live again from here, and a missed revoke must not hit.
          apiKeys.forgetAll()
          await Promise.all([restoreRevocations(), keyRing.refresh()])
          // And the API keys of live connections are read again: a revoke or rotate may have been missed.
          await liveConnections.resync(isListedRevoked)
        },
      })
    },

    ready: () => checkReadiness(keyRing, stores),

    async tick() {
      // Independent chores: one failing (say, a key ring that cannot be read) stops none of the others.
      const results = await Promise.allSettled([
        keyRing.refresh(),
        Promise.resolve(revocations.prune(clock.now())),
        stores.challenges.deleteExpired(clock.now() - config.nonceTtlSeconds * 1000),
        stores.signatureUses.deleteExpired(clock.now()),
        // A revoked session must outlive its access tokens (the revocation list is rebuilt from it).
        stores.sessions.deleteEndedBefore(clock.now() - accessTokenLifetimeMs),
        // The reuse interval is over for these: their sealed successors must not outlive it.
        stores.sessions.forgetSuccessorsUsedBefore(clock.now() - config.refreshReuseIntervalSeconds * 1000),
        // Retention (0: forever). Export first with `sigil audit --until` (docs/deployment.md, Audit retention).
        config.auditRetentionDays > 0
          ? stores.audit.deleteBefore(clock.now() - config.auditRetentionDays * DAY_MS)
          : Promise.resolve(0),
        // Replicas: a message lost while this one looked connected is repaired within a tick.
        bus.shared
          ? restoreRevocations().then(() => liveConnections.sweepSessions(isListedRevoked))
          : Promise.resolve(),
      ])
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) throw failed.reason
    },

    async close() {
      await bus.close()
      // The noted "last used" of API keys reach the store before it closes.
      await apiKeys.close().catch(() => {})
      await stores.close()
    },
  }
}
