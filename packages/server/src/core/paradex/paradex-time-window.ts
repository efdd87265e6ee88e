import { AuthError } from '../errors.js'

/** Paradex §4.4: an absent PARADEX-SIGNATURE-EXPIRATION means 30 minutes after the timestamp. */
export const DEFAULT_EXPIRATION_SECONDS = 1800
/** The longest window Paradex allows; code-samples signs exactly this, so equality passes. */
export const MAX_WINDOW_SECONDS = 604_800

/** Unix seconds as the headers carry them: decimal digits only (no sign, exponent or hex). */
const UNIX_SECONDS = /^(0|[1-9][0-9]{0,11})$/

export interface ParadexTimeWindow {
  timestamp: number
  expiration: number
}

/**
 * Checks the signed validity window of a Paradex auth request against `nowMs`. Both values are
 * hashed into the signed message as given, so they are validated here before any hashing.
 * A future timestamp is tolerated up to `skewSeconds` (client clocks run ahead).
 */
export function checkParadexTimeWindow(
  input: { timestamp: string; expiration?: string | undefined },
  nowMs: number,
  skewSeconds: number,
): ParadexTimeWindow {
  if (!UNIX_SECONDS.test(input.timestamp)) throw new AuthError('TIMESTAMP_INVALID', 'timestamp syntax')
  const timestamp = Number(input.timestamp)
  let expiration = timestamp + DEFAULT_EXPIRATION_SECONDS
  if (input.expiration !== undefined) {
    if (!UNIX_SECONDS.test(input.expiration)) {
      throw new AuthError('TIMESTAMP_INVALID', 'expiration syntax', { detail: 'expiration' })
    }
    expiration = Number(input.expiration)
  }
  if (expiration <= timestamp) {
    throw new AuthError('TIMESTAMP_INVALID', 'expiration not after timestamp', { detail: 'expiration' })
  }
  if (expiration - timestamp > MAX_WINDOW_SECONDS) {
    throw new AuthError('TIMESTAMP_INVALID', 'window longer than one week', { detail: 'window_too_long' })
  }
  const now = Math.floor(nowMs / 1000)
  if (timestamp > now + skewSeconds) {
    throw new AuthError('TIMESTAMP_INVALID', 'timestamp in the future', { detail: 'future' })
  }
  if (expiration <= now) throw new AuthError('MESSAGE_EXPIRED', 'signature expired')
  return { timestamp, expiration }
}
