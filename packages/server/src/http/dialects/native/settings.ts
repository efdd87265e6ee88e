import { type Static, Type } from '@sinclair/typebox'
import { Prefix, Seconds } from '../../../config-schema-kit.js'

/** Sigil's own API: where it mounts (its SIWE binding is the base one, from publicUrl) and its WebSocket. */
export const NativeSettings = Type.Object({
  prefix: Prefix(
    '',
    "Mount point of Sigil's own API (<prefix>/v1/...); move it (e.g. /sigil) to give the root to a dialect whose paths also start with /v1.",
  ),
  wsPingIntervalSeconds: Seconds(30, 'Native WebSocket: seconds between pings.'),
  wsPongTimeoutSeconds: Seconds(10, 'Native WebSocket: drop a socket whose pong is this late.'),
  wsMaxSocketsPerIp: Type.Integer({
    minimum: 1,
    default: 64,
    description: 'Native WebSockets one client IP may hold open at once.',
  }),
  wsMaxSubscriptions: Type.Integer({
    minimum: 1,
    default: 256,
    description: 'Channels one native WebSocket may be subscribed to at once.',
  }),
})

export type NativeSettingsValue = Static<typeof NativeSettings>
