import type { Publication, PublishTransport } from '../../core/publish-hub/create-publish-hub.js'
import type { RedisPubSub } from './redis-pubsub.js'

/**
 * WebSocket pushes between replicas: a publication goes to Redis and comes back to every replica
 * (this one too), each delivering to its own sockets, so a private push reaches the account's
 * sockets wherever they are connected. A push sent while Redis is down waits in the outbox.
 */
export function createRedisPublishTransport(pubsub: RedisPubSub): PublishTransport {
  const channel = pubsub.channel('hub')
  return {
    send: (publication) => pubsub.publish(channel, JSON.stringify(publication)),
    receive(deliver) {
      pubsub.on(channel, (message) => {
        const publication = parsePublication(message)
        if (publication) deliver(publication)
      })
    },
  }
}

function parsePublication(message: string): Publication | undefined {
  try {
    const value = JSON.parse(message) as Partial<Publication>
    if (typeof value.channel !== 'string') return undefined
    if (value.accountId !== undefined && typeof value.accountId !== 'string') return undefined
    return {
      channel: value.channel,
      data: value.data,
      ...(value.accountId === undefined ? {} : { accountId: value.accountId }),
    }
  } catch {
    return undefined
  }
}
