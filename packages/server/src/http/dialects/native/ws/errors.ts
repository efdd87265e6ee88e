/**
 * The native WebSocket's JSON-RPC error codes: the protocol's own (-32700…-32603), and a few in
 * the range JSON-RPC 2.0 leaves to servers (-32000…-32099). Every error's `data` is
 * `{"code": <stable string>, "detail"?: <text>}`: for a refused credential the code is the same
 * as the HTTP API's (`TOKEN_EXPIRED`, `API_KEY_REVOKED`, `IP_NOT_ALLOWED`, … docs/errors.md).
 */
export const nativeWsErrors = {
  PARSE_ERROR: [-32700, 'Parse error'],
  INVALID_REQUEST: [-32600, 'Invalid Request'],
  METHOD_NOT_FOUND: [-32601, 'Method not found'],
  INVALID_PARAMS: [-32602, 'Invalid params'],
  INTERNAL_ERROR: [-32603, 'Internal error'],
  /** The credential of `auth` was refused, or a private subscribe came before any `auth`. */
  UNAUTHORIZED: [-32001, 'Unauthorized'],
  /** Already subscribed, not subscribed, or the socket's subscription limit. */
  SUBSCRIPTION_REFUSED: [-32002, 'Subscription refused'],
  /** The credential is valid but may not do this: no `read` scope, or an IP outside the key's allowlist. */
  FORBIDDEN: [-32003, 'Forbidden'],
  /** Over the socket's or the client IP's message rate; keep going and the socket is closed (4029). */
  RATE_LIMITED: [-32029, 'Rate limited'],
} as const satisfies Record<string, readonly [code: number, message: string]>

export type NativeWsError = keyof typeof nativeWsErrors
