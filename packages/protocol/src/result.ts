/**
 * The outcome of a pure protocol check. Protocol code never throws for bad input: it returns a
 * closed `reason` so that core can map it to a stable public error code (and logs can count it).
 */
export type Result<T, Reason extends string> = { ok: true; value: T } | { ok: false; reason: Reason }

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value })

export const reject = <Reason extends string>(reason: Reason): { ok: false; reason: Reason } => ({
  ok: false,
  reason,
})
