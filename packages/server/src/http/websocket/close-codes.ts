import type { WebSocket } from 'ws'
import type { ConnectionEnd } from '../../core/live-connections/create-live-connections.js'
import { errorCatalog } from '../error-catalog.js'

/**
 * The close codes Sigil's WebSockets (native and Paradex) use besides RFC 6455's own (1001 server
 * shutting down, 1008 policy, 1009 message too large, 1011 internal error). Application codes are
 * 4000-4999 (RFC 6455 §7.4.2); docs/gateway.md lists them. Stable: clients branch on them.
 */
export const WS_CLOSE = {
  /** The session behind the socket's JWT was logged out, revoked, or ended by "log out everywhere". */
  SESSION_REVOKED: 4001,
  /** The socket's API key was revoked, or rotated and the secret it presented no longer works. */
  API_KEY_REVOKED: 4002,
  /** The credential expired: a native socket's JWT (no new `auth` in time), an API key's expiry or grace end. */
  CREDENTIAL_EXPIRED: 4003,
  /** The client did not read what it was sent (more than webSocketMaxBufferedBytes waiting). */
  SLOW_CONSUMER: 4008,
  /** The client kept sending past its message rate after being told. */
  RATE_LIMITED: 4029,
} as const

const CLOSE_OF: Record<ConnectionEnd['reason'], number> = {
  session_revoked: WS_CLOSE.SESSION_REVOKED,
  api_key_revoked: WS_CLOSE.API_KEY_REVOKED,
  credential_expired: WS_CLOSE.CREDENTIAL_EXPIRED,
}

/** The close code for the reason core ended a socket's credential. */
export const closeCodeFor = (reason: ConnectionEnd['reason']) => CLOSE_OF[reason]

/**
 * Core ended the socket's credential: the client is told why in a last JSON-RPC notification,
 * `{"jsonrpc":"2.0","method":"closing","params":{"code":"SESSION_REVOKED","closeCode":4001,"message":…}}`,
 * then the socket is closed with that code. `extra` adds fields a dialect's clients need.
 */
export function closeForEnd(
  socket: WebSocket,
  send: (text: string) => boolean,
  { reason, code }: ConnectionEnd,
  extra: Record<string, unknown> = {},
) {
  const closeCode = closeCodeFor(reason)
  const params = { ...extra, code, closeCode, message: errorCatalog[code][1] }
  send(JSON.stringify({ jsonrpc: '2.0', method: 'closing', params }))
  if (socket.readyState === socket.OPEN) socket.close(closeCode, reason)
}
