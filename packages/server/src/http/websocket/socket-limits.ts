import type { WebSocket } from 'ws'
import { clientKey } from '../../core/network/ip-address.js'
import { WS_CLOSE } from './close-codes.js'

/**
 * A token bucket: `capacity` tokens, refilled at `perSecond`. Hand-written (ten lines): the rate
 * limiters on npm count HTTP requests in stores, not frames on one socket, and this runs per frame.
 */
export function createTokenBucket(perSecond: number, capacity: number, now = () => performance.now()) {
  let tokens = capacity
  let at = now()
  return {
    take(): boolean {
      const t = now()
      tokens = Math.min(capacity, tokens + ((t - at) / 1000) * perSecond)
      at = t
      if (tokens < 1) return false
      tokens -= 1
      return true
    },
  }
}

export type TokenBucket = ReturnType<typeof createTokenBucket>

/** Per client IP (IPv6 by /64, as the rate limits count): how many sockets of one route are open. */
export function createOpenSocketCounter() {
  const open = new Map<string, number>()
  let total = 0
  return {
    count: (ip: string) => open.get(clientKey(ip)) ?? 0,
    /** Every address's together. */
    total: () => total,
    /** Counts `socket` for `ip` until it closes. */
    add(ip: string, socket: WebSocket) {
      const key = clientKey(ip)
      open.set(key, (open.get(key) ?? 0) + 1)
      total += 1
      socket.once('close', () => {
        total -= 1
        const left = (open.get(key) ?? 1) - 1
        if (left > 0) open.set(key, left)
        else open.delete(key)
      })
    },
  }
}

export interface MessageRateOptions {
  /** Sustained messages per second one socket may send. */
  perSocketPerSecond: number
  /** Messages one socket may send at once (subscribing to many channels on connect). */
  perSocketBurst: number
  /** Sustained messages per second all sockets of one client IP may send together (burst: two seconds' worth). */
  perIpPerSecond: number
}

/** Refused messages answered before the socket is closed 4029: a client that slows down recovers. */
const REFUSALS_BEFORE_CLOSE = 10
/** Refusals are forgiven at this rate (per second). */
const REFUSALS_FORGIVEN_PER_SECOND = 1

/** What to do with an incoming message: handle it, answer a rate-limit error, or close the socket. */
export type Admission = 'accept' | 'refuse' | 'close'

/**
 * The message rate of every WebSocket (both APIs): a bucket per socket and one per client IP shared
 * by all its sockets, so opening more sockets does not multiply an address's rate. A message over
 * either is refused with an error; a client that keeps sending past REFUSALS_BEFORE_CLOSE refusals
 * is closed with 4029. One per app (the per-IP buckets span every route).
 */
export function createMessageRates(options: MessageRateOptions) {
  const perIp = new Map<string, { bucket: TokenBucket; sockets: number }>()
  return {
    /** The admission check of one socket's messages; the IP's bucket is dropped with its last socket. */
    guard(ip: string, socket: WebSocket): () => Admission {
      const key = clientKey(ip)
      const shared = perIp.get(key) ?? {
        bucket: createTokenBucket(
          options.perIpPerSecond,
          Math.max(options.perSocketBurst, options.perIpPerSecond * 2),
        ),
        sockets: 0,
      }
      shared.sockets += 1
      perIp.set(key, shared)
      socket.once('close', () => {
        shared.sockets -= 1
        if (shared.sockets === 0) perIp.delete(key)
      })
      const own = createTokenBucket(options.perSocketPerSecond, options.perSocketBurst)
      const refusals = createTokenBucket(REFUSALS_FORGIVEN_PER_SECOND, REFUSALS_BEFORE_CLOSE)
      return () => {
        // The socket's own bucket first: a socket over its own rate does not spend its siblings' budget.
        if (own.take() && shared.bucket.take()) return 'accept'
        return refusals.take() ? 'refuse' : 'close'
      }
    },
  }
}

export type MessageRates = ReturnType<typeof createMessageRates>

/**
 * Sends text frames to a client that may have stopped reading: past `maxBufferedBytes` of unsent
 * output the socket is closed with 4008 (slow consumer) and nothing more is queued, so a stalled
 * client costs at most that much memory (the close frame waits behind it; `ws` destroys the
 * socket if the client never answers it). Returns false when the frame was not sent.
 */
export function boundedSender(socket: WebSocket, maxBufferedBytes: number) {
  return (text: string): boolean => {
    if (socket.readyState !== socket.OPEN) return false
    if (socket.bufferedAmount > maxBufferedBytes) {
      socket.close(WS_CLOSE.SLOW_CONSUMER, 'slow consumer: too much unsent output')
      return false
    }
    socket.send(text)
    return true
  }
}
