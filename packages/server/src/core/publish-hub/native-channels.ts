import type { ChannelRules } from './create-publish-hub.js'

/**
 * The native WebSocket's channels: `public:<topic>` (anyone may subscribe, no `auth` needed) and
 * `private:<topic>` (one account's messages: subscribing needs `auth`, and a message reaches only
 * sockets acting for its account). The topic is the backend's to name. The colon keeps this
 * vocabulary disjoint from Paradex's (`family.suffix`, never a colon), so one hub serves both.
 */
const NATIVE_CHANNEL = /^(public|private):([A-Za-z0-9][A-Za-z0-9._-]{0,95})$/

export interface NativeChannel {
  name: string
  private: boolean
  topic: string
}

/** The channel a name denotes, or null when it is not one. */
export function parseNativeChannel(name: string): NativeChannel | null {
  const match = NATIVE_CHANNEL.exec(name)
  if (!match) return null
  return { name, private: match[1] === 'private', topic: match[2]! }
}

export const nativeChannelRules: ChannelRules = {
  classify(channel) {
    const parsed = parseNativeChannel(channel)
    return parsed ? { private: parsed.private, reaches: [parsed.name] } : null
  },
}
