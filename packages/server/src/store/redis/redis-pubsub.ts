import { Redis } from 'ioredis'
import { redactUrlCredentials } from '../../redact-url.js'

export interface PubSubLog {
  warn(object: object, message: string): void
  info(object: object, message: string): void
}

/**
 * Redis pub/sub for the messages replicas exchange (revocations, WebSocket pushes), on two
 * connections, as Redis requires: one subscribed, one to publish. Both reconnect forever with a
 * capped backoff. A publish while disconnected fails at once (no offline queue: a logout must not
 * wait for Redis) and is kept in a bounded outbox, sent when the connection is back. A subscriber
 * that was disconnected may have missed messages: `onGap` handlers run when it is subscribed again.
 */
export function createRedisPubSub(url: string, options: { keyPrefix: string; log: PubSubLog }) {
  const clientOptions = {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  }
  const publisher = new Redis(url, { ...clientOptions, commandTimeout: 1000 })
  const subscriber = new Redis(url, clientOptions)
  const handlers = new Map<string, (message: string) => void>()
  const gapHandlers: (() => void)[] = []
  const outbox: [channel: string, message: string][] = []
  const OUTBOX_MAX = 10_000
  let subscribed = false
  let wasSubscribed = false
  const where = { redis: redactUrlCredentials(url) }

  // Errors are reported through the state changes below; an unhandled 'error' event would crash.
  publisher.on('error', () => {})
  subscriber.on('error', () => {})
  subscriber.on('message', (channel: string, message: string) => handlers.get(channel)?.(message))
  subscriber.on('close', () => {
    if (subscribed)
      options.log.warn(where, 'redis pub/sub disconnected: revocations are checked in the database')
    subscribed = false
  })
  subscriber.on('ready', async () => {
    try {
      if (handlers.size > 0) await subscriber.subscribe(...handlers.keys())
      subscribed = true
      if (wasSubscribed) {
        options.log.info(where, 'redis pub/sub back: resynchronising from the database')
        for (const handler of gapHandlers) handler()
      }
      wasSubscribed = true
    } catch {
      // The connection dropped again; the next 'ready' retries.
    }
  })
  publisher.on('ready', () => void flush())

  const flush = async () => {
    while (outbox.length > 0) {
      const [channel, message] = outbox[0]!
      try {
        await publisher.publish(channel, message)
        outbox.shift()
      } catch {
        return
      }
    }
  }

  return {
    channel: (name: string) => `${options.keyPrefix}${name}`,
    /** Connects both; rejects when Redis cannot be reached at start (a configuration error). */
    async connect() {
      await Promise.all([publisher.connect(), subscriber.connect()])
      // 'ready' subscribes asynchronously: wait until it has, so a message sent next is heard.
      for (let i = 0; i < 100 && !subscribed && handlers.size > 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 10))
    },
    /** Registered before `connect`; one handler per channel. */
    on(channel: string, handler: (message: string) => void) {
      handlers.set(channel, handler)
      if (subscriber.status === 'ready') void subscriber.subscribe(channel).catch(() => {})
    },
    onGap(handler: () => void) {
      gapHandlers.push(handler)
    },
    /** Never rejects: what cannot be sent now waits in the outbox (the oldest is dropped past its bound). */
    async publish(channel: string, message: string) {
      if (outbox.length === 0) {
        try {
          await publisher.publish(channel, message)
          return
        } catch {
          // Kept below, sent on reconnect.
        }
      }
      if (outbox.length >= OUTBOX_MAX) outbox.shift()
      outbox.push([channel, message])
    },
    get live() {
      return subscribed
    },
    async close() {
      publisher.disconnect()
      subscriber.disconnect()
    },
  }
}

export type RedisPubSub = ReturnType<typeof createRedisPubSub>
