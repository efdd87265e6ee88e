import type { ApiKeyStore } from '../ports.js'

export interface LastUseRecorder {
  /** Notes a use; it reaches the store at the next flush (the latest use of each key wins). */
  note(id: string, at: number, ip: string): void
  /** The latest use noted for `id` and not yet written (a listing shows it). */
  pendingOf(id: string): { at: number; ip: string } | undefined
  /** Writes every noted use now. */
  flush(): Promise<void>
  /** Stops the timer after a last flush. */
  close(): Promise<void>
}

/**
 * "Last used" of API keys, written off the request path: uses are noted in memory (one entry per
 * key, the latest) and written together at most once every `everyMs`, so a key used 10,000 times a
 * second costs one write a minute and no request waits for it. A write that fails is put back
 * (unless a newer use replaced it) and retried at the next flush, so nothing is dropped silently.
 * What a crash can lose: the uses noted since the last flush, i.e. a key's shown last use may be
 * up to `everyMs` older than its real one (never a security decision: last use is informational).
 */
export function createLastUseRecorder(
  store: Pick<ApiKeyStore, 'recordUse'>,
  everyMs: number,
): LastUseRecorder {
  let pending = new Map<string, { at: number; ip: string }>()
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const flush = async () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (pending.size === 0) return
    const batch = pending
    pending = new Map()
    const results = await Promise.allSettled(
      [...batch].map(([id, use]) => store.recordUse(id, use.at, use.ip).then(() => id)),
    )
    const ids = [...batch.keys()]
    results.forEach((result, i) => {
      const id = ids[i]!
      if (result.status === 'rejected' && !pending.has(id)) pending.set(id, batch.get(id)!)
    })
    if (pending.size > 0) schedule()
  }
  const schedule = () => {
    if (timer || closed) return
    timer = setTimeout(() => void flush(), everyMs)
    // A pending write never keeps a process alive; close() flushes on the way out.
    timer.unref()
  }

  return {
    note(id, at, ip) {
      // Every request of a key lands here: its pending entry is updated in place, not replaced
      // (a flush has already swapped `pending` for a new map, so a batch being written never moves).
      const noted = pending.get(id)
      if (noted === undefined) pending.set(id, { at, ip })
      else {
        noted.at = at
        noted.ip = ip
      }
      if (timer === undefined) schedule()
    },
    pendingOf: (id) => pending.get(id),
    flush,
    async close() {
      closed = true
      await flush()
    },
  }
}
