import type { Clock } from '../clock.js'
import { clientKey } from '../network/ip-address.js'
import type { AuditEvent, AuditStore } from '../ports.js'

/** One sampling subject's state: when its last row was written, and how many were skipped since. */
interface Sampled {
  at: number
  skipped: number
}

/**
 * The append-only security log. Events carry ids, codes and IPs, never a secret: the callers pass
 * only those. High-volume events that anyone can cause without a credential (rate-limit and geo
 * denials, refused sign-ins) are sampled: at most one row per subject per window, carrying how
 * many were skipped before it, so an attack cannot turn the audit log into the bottleneck or grow
 * it without bound.
 */
export function createAuditLog(store: AuditStore, clock: Clock, options: { sampleWindowMs: number }) {
  const lastSampled = new Map<string, Sampled>()
  const recordSampled = async (subject: string, event: Omit<AuditEvent, 'at'>): Promise<void> => {
    const now = clock.now()
    const last = lastSampled.get(subject)
    if (last && now - last.at < options.sampleWindowMs) {
      last.skipped += 1
      return
    }
    // Bounded memory: a flood of distinct subjects starts the windows over (at most one row each).
    if (lastSampled.size > 10_000) lastSampled.clear()
    lastSampled.set(subject, { at: now, skipped: 0 })
    const skipped = last?.skipped ?? 0
    await store.append({
      ...event,
      at: now,
      ...(skipped > 0 ? { detail: { ...event.detail, skipped } } : {}),
    })
  }
  return {
    record(event: Omit<AuditEvent, 'at'>): Promise<void> {
      return store.append({ ...event, at: clock.now() })
    },
    recordSampled,
    /**
     * A refused sign-in: sampled per client (an IPv4 address, an IPv6 /64) and API, like the
     * rate-limit denials, since unauthenticated clients can cause any number of them.
     */
    recordRefusedSignIn(event: Omit<AuditEvent, 'at' | 'type'> & { ip: string }): Promise<void> {
      const via = String(event.detail?.via ?? '')
      return recordSampled(`sign_in.failed:${via}:${clientKey(event.ip)}`, {
        ...event,
        type: 'sign_in.failed',
      })
    },
    /**
     * An event another write already committed in its own transaction (a sign-in's success is
     * written with its session): nothing to store, but observers (the metrics) are told of it.
     */
    written(_event: Omit<AuditEvent, 'at'>): void {},
    query: store.query,
    /** Retention: forgets events recorded before `before` (`auditRetentionDays`). */
    deleteBefore: store.deleteBefore,
  }
}

export type AuditLog = ReturnType<typeof createAuditLog>
