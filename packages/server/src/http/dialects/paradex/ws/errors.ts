/**
 * The Paradex WebSocket's error codes (spec/paradex.md §8): JSON-RPC 2.0's own, `100` (a method
 * that could not do what was asked), and Paradex's bearer codes. `error.data` carries the detail.
 */
export const paradexWsErrors = {
  PARSE_ERROR: [-32700, 'Parse error'],
  INVALID_REQUEST: [-32600, 'Invalid Request'],
  METHOD_NOT_FOUND: [-32601, 'Method not found'],
  INVALID_PARAMS: [-32602, 'Invalid params'],
  INTERNAL_ERROR: [-32603, 'Internal error'],
  /** A well-formed request the connection's state refuses: already subscribed, not subscribed, too many. */
  METHOD_ERROR: [100, 'Method error'],
  /** No bearer, not a string, not JWT-shaped; also a private subscribe before any `auth`. */
  BEARER_MALFORMED: [40110, 'Malformed Bearer Token'],
  /** A JWT that does not verify: signature, key, audience, expiry, revoked session, scopes. */
  BEARER_INVALID: [40111, 'Invalid Bearer Token'],
  /** Paradex's geo-IP refusal: `auth` on a socket whose upgrade came from a blocked country (geoBlockedCountries). */
  GEO_BLOCKED: [40112, 'Geo IP Blocked'],
} as const satisfies Record<string, readonly [code: number, message: string]>

export type ParadexWsError = keyof typeof paradexWsErrors
