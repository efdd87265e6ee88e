import type { AuthErrorCode } from './errors.js'

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
