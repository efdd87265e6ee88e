import type { AuthErrorCode } from '../errors.js'
import { actingAccountIds, type Identity } from '../identity.js'

/** One message for the subscribers of a channel. */
export interface Publication {
  channel: string
  data: unknown
  /**
   * The account the message belongs to. Required on a private channel; when present, only
   * subscribers whose identity may act for this account receive it.
   */
  accountId?: string
}

/** The codes (core/errors.ts) of a publication the hub refuses. */
export type PublicationRefusal = Extract<AuthErrorCode, 'CHANNEL_UNKNOWN' | 'CHANNEL_ACCOUNT_MISSING'>

/** A local receiver (one WebSocket, say), subscribed to one or more channels. */
export interface HubSubscriber {
  /** Read at every delivery, so a re-authentication applies to the very next message. */
  identity(): Identity | null
  /** `channel` is the name the subscriber subscribed to (`orders.ALL` for an order on any market). */
  deliver(channel: string, data: unknown): void
}

/** How a hub names and routes channels: which exist, which are private, and who hears what. */
export interface ChannelRules {
  /** null: not a channel. `reaches`: the subscriptions a publication on `channel` is delivered to. */
  classify(channel: string): { private: boolean; reaches: readonly string[] } | null
}

/** The channels of several vocabularies (one per dialect with a WebSocket): the first that knows a name decides. */
export function anyOfChannelRules(rules: readonly ChannelRules[]): ChannelRules {
  if (rules.length === 1) return rules[0]!
  return {
    classify(channel) {
      for (const rule of rules) {
        const known = rule.classify(channel)
        if (known) return known
      }
      return null
    },
  }
}

/**
 * Fan-out of server events to subscribers, transport-agnostic (the Paradex WebSocket today, the
 * native one later). An implementation over Redis pub/sub keeps the same contract: `publish` goes
 * to every replica, each replica delivers to its own local subscribers with the same filter.
 */
export interface PublishHub {
  /**
   * Delivers to every subscriber the rules route the channel to; a message with an account reaches
   * only subscribers acting for that account. Rejects (a publisher bug, never a client's) on an
   * unknown channel, or on a private channel without `accountId`, instead of guessing an audience.
   */
  publish(publication: Publication): Promise<void>
  /**
   * Why `publish` would reject this publication (`CHANNEL_UNKNOWN`, `CHANNEL_ACCOUNT_MISSING`), or
   * undefined: for a transport that takes publications from outside (POST /v1/internal/publish).
   */
  refusal(publication: Publication): PublicationRefusal | undefined
  /** Starts delivering `channel` to `subscriber`; the returned function stops it (idempotent). */
  subscribe(channel: string, subscriber: HubSubscriber): () => void
}

/**
 * How publications travel between replicas (Redis pub/sub); without one, a publication is
 * delivered in this process only. `send` reaches every replica, this one included, and each
 * delivers what it `receive`s to its own subscribers.
 */
export interface PublishTransport {
  send(publication: Publication): Promise<void>
  receive(deliver: (publication: Publication) => void): void
}

export interface PublishHubOptions {
  /** Told when a subscriber's `deliver` throws; the other subscribers still get the message. */
  onDeliveryError?(error: unknown): void
  transport?: PublishTransport
}

const mayReceive = (subscriber: HubSubscriber, accountId: string | undefined) => {
  if (accountId === undefined) return true
  const identity = subscriber.identity()
  return identity !== null && actingAccountIds(identity).includes(accountId)
}

/** The in-process hub: one map from channel name to its local subscribers. */
export function createPublishHub(rules: ChannelRules, options: PublishHubOptions = {}): PublishHub {
  const subscribers = new Map<string, Set<HubSubscriber>>()

  const classify = (channel: string) => {
    const rule = rules.classify(channel)
    if (!rule) throw new RangeError(`not a channel: ${channel.slice(0, 64)}`)
    return rule
  }

  const deliverHere = ({ channel, data, accountId }: Publication) => {
    const rule = rules.classify(channel)
    // From another replica: checked there, but a message this one cannot route is dropped, not thrown.
    if (!rule || (rule.private && accountId === undefined)) return
    for (const name of rule.reaches) {
      // A copy: a delivery may end a socket, which unsubscribes it from this very set.
      for (const subscriber of [...(subscribers.get(name) ?? [])]) {
        if (!mayReceive(subscriber, accountId)) continue
        try {
          subscriber.deliver(name, data)
        } catch (error) {
          options.onDeliveryError?.(error)
        }
      }
    }
  }
  options.transport?.receive(deliverHere)

  return {
    refusal({ channel, accountId }) {
      const rule = rules.classify(channel)
      if (!rule) return 'CHANNEL_UNKNOWN'
      if (rule.private && accountId === undefined) return 'CHANNEL_ACCOUNT_MISSING'
      return undefined
    },

    async publish(publication) {
      const rule = classify(publication.channel)
      if (rule.private && publication.accountId === undefined)
        throw new TypeError(`private channel ${publication.channel} needs the account the message belongs to`)
      if (options.transport) await options.transport.send(publication)
      else deliverHere(publication)
    },

    subscribe(channel, subscriber) {
      classify(channel)
      const set = subscribers.get(channel) ?? new Set<HubSubscriber>()
      subscribers.set(channel, set)
      set.add(subscriber)
      return () => {
        const current = subscribers.get(channel)
        if (!current?.delete(subscriber)) return
        if (current.size === 0) subscribers.delete(channel)
      }
    },
  }
}
