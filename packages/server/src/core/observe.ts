import type { AuditLog } from './audit/create-audit-log.js'
import { type AuthErrorCode, isAuthError } from './errors.js'
import type { AuditEvent, Stores } from './ports.js'
import type { KeyRing } from './tokens/create-key-ring.js'

/** One finished sign-in: the API it came through (its audit `via`), the credential, and the refusal. */
export interface SignInOutcome {
  /** A dialect id, or a dialect's sign-in variant (`paradex_evm`). */
  via: string
  /** `token` or `cookie`. */
  credential: string
  /** The refusal's code; absent when the sign-in succeeded. */
  code?: AuthErrorCode
}

/**
 * What core tells an observer (the composition root wires it to the metrics), so that core
 * imports no metrics library. Calls are synchronous and cheap; an observer that throws is ignored.
 */
export interface GatewayEvents {
  /** A sign-in finished (every API, success or an AuthError refusal), as it is audited. */
  signIn?(outcome: SignInOutcome): void
  /** A revocation from the bus was applied here, `lagMs` after the replica that made it recorded it. */
  revocationApplied?(lagMs: number): void
}

/** The result of `Gateway.ready()`: every dependency answered, or the first that did not, for the log. */
export type Readiness = { ready: true } | { ready: false; reason: string }

/** Calls an observer; a failing one changes nothing in the use case it observes. */
export function notify(call: () => void) {
  try {
    call()
  } catch {
    // Observers are metrics: never worth failing a request for.
  }
}

/**
 * The audit log, telling `events.signIn` of every sign-in outcome as it is recorded: every API's
 * sign-ins (SIWE, Paradex's Starknet and EVM auth) are audited in one shape, so this is the one
 * place that sees them all. Told before the write, so an audit store that is down does not hide it.
 */
export function observeSignIns(audit: AuditLog, events: GatewayEvents | undefined): AuditLog {
  const signIn = events?.signIn
  if (!signIn) return audit
  const observe = (event: Omit<AuditEvent, 'at'>) => {
    if (event.type !== 'sign_in.succeeded' && event.type !== 'sign_in.failed') return
    const via = String(event.detail?.via ?? 'unknown')
    const credential = String(event.detail?.credential ?? 'unknown')
    const code = event.type === 'sign_in.failed' ? (event.detail?.code as AuthErrorCode) : undefined
    notify(() => signIn(code === undefined ? { via, credential } : { via, credential, code }))
  }
  return {
    ...audit,
    record(event) {
      observe(event)
      return audit.record(event)
    },
    written(event) {
      observe(event)
      audit.written(event)
    },
    // Counted every time, though only sampled rows are written: the metric is the flood's size.
    recordRefusedSignIn(event) {
      observe({ ...event, type: 'sign_in.failed' })
      return audit.recordRefusedSignIn(event)
    },
  }
}

/** How long `ready()` waits for the stores' servers: a probe must answer before its own timeout. */
const READY_TIMEOUT_MS = 3_000

/** Ready to serve: the signing keys are loaded and every store's server answers a ping in time. */
export async function checkReadiness(keyRing: KeyRing, stores: Stores): Promise<Readiness> {
  try {
    keyRing.activeKey()
  } catch {
    return { ready: false, reason: 'signing keys not loaded' }
  }
  if (!stores.ping) return { ready: true }
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS)
  })
  try {
    await Promise.race([stores.ping(), timeout])
    return { ready: true }
  } catch (error) {
    const reason = isAuthError(error) ? (error.internal ?? error.code) : String(error)
    return { ready: false, reason: `stores: ${reason}` }
  } finally {
    clearTimeout(timer)
  }
}
