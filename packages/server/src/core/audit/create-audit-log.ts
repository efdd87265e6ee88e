import type { Clock } from '../clock.js'
import type { AuditEvent, AuditStore } from '../ports.js'

/**
 * The append-only security log. Events carry ids, codes and IPs, never a secret: the callers pass
 * only those. High-volume events (rate-limit denials) are sampled: at most one per subject per
 * window, so an attack cannot turn the audit log into the bottleneck.
 */
export function createAuditLog(store: AuditStore, clock: Clock, options: { sampleWindowMs: number }) {
  const lastSampled = new Map<string, number>()

  return {
    record(event: Omit<AuditEvent, 'at'>): Promise<void> {
      return store.append({ ...event, at: clock.now() })
    },

    async recordSampled(subject: string, event: Omit<AuditEvent, 'at'>): Promise<void> {
      const now = clock.now()
      if (now - (lastSampled.get(subject) ?? Number.NEGATIVE_INFINITY) < options.sampleWindowMs) return
      if (lastSampled.size > 10_000) lastSampled.clear()
      lastSampled.set(subject, now)
      await store.append({ ...event, at: now })
    },

    query: store.query,
  }
}

export type AuditLog = ReturnType<typeof createAuditLog>
