import type { Revocation, RevocationBus, RevocationListener } from '../../core/revocation/revocation-bus.js'
import type { RedisPubSub } from './redis-pubsub.js'

/**
 * The revocation bus over Redis pub/sub: a message reaches every subscribed replica at once
 * (milliseconds); one that may have been missed (a replica disconnected meanwhile) is repaired by
 * `resync` when it is subscribed again, and until then `live` is false, so that replica checks
 * revocations in the database.
 */
export function createRedisRevocationBus(pubsub: RedisPubSub): RevocationBus {
  const channel = pubsub.channel('revocations')
  let listener: RevocationListener | undefined
  pubsub.on(channel, (message) => {
    const revocation = parseRevocation(message)
    if (revocation) listener?.apply(revocation)
  })
  pubsub.onGap(() => void listener?.resync().catch(() => {}))
  return {
    publish: (revocation) => pubsub.publish(channel, JSON.stringify(revocation)),
    listen(next) {
      listener = next
    },
    get live() {
      return pubsub.live
    },
    shared: true,
    close: () => pubsub.close(),
  }
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((id) => typeof id === 'string')

/** Messages come from the deployment's own replicas, but a malformed one is ignored, not trusted. */
function parseRevocation(message: string): Revocation | undefined {
  let value: Record<string, unknown>
  try {
    value = JSON.parse(message)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const { kind, at } = value
  if (kind === 'signing_keys') return { kind: 'signing_keys' }
  if (typeof at !== 'number') return undefined
  if (kind === 'sessions' && isStringArray(value.sessionIds))
    return { kind: 'sessions', sessionIds: value.sessionIds, at }
  if (
    kind === 'api_keys' &&
    isStringArray(value.keyIds) &&
    (value.change === 'revoked' || value.change === 'rotated')
  )
    return { kind: 'api_keys', keyIds: value.keyIds, change: value.change, at }
  return undefined
}
