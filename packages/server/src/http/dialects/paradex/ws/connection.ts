import { MAX_ACCESS_TOKEN_LENGTH } from '@sigil/protocol'
import type { FastifyBaseLogger } from 'fastify'
import type { RawData, WebSocket } from 'ws'
import { isAuthError } from '../../../../core/errors.js'
import type { Gateway } from '../../../../core/gateway.js'
import { actingAccountIds, type Identity } from '../../../../core/identity.js'
import { parseParadexChannel } from '../../../../core/paradex/paradex-channels.js'
import { errorCatalog } from '../../../error-catalog.js'
import { closeForEnd, WS_CLOSE } from '../../../websocket/close-codes.js'
import { keepAlive } from '../../../websocket/keepalive.js'
import type { Admission } from '../../../websocket/socket-limits.js'
import { frameSender, pushSubscriber, type SocketSettings } from '../../../websocket/socket-parts.js'
import type { ParadexWsError } from './errors.js'
import {
  errorFrame,
  isObject,
  nowMicros,
  parseRpcRequest,
  pushFrame,
  type RpcId,
  resultFrame,
} from './json-rpc.js'

export interface ParadexSocketSettings extends SocketSettings {
  /** The opaque `node_id` of the auth result: one per process. */
  nodeId: string
}

export interface ParadexSocketDeps {
  gateway: Pick<Gateway, 'authenticateAccessToken' | 'publishHub' | 'liveConnections'>
  settings: ParadexSocketSettings
  log: FastifyBaseLogger
  /** The message rate (per socket and per client IP), asked for every message before any work. */
  admit(): Admission
  /** Set when the upgrade came from a geo-blocked country: every `auth` is refused with 40112. */
  geoBlocked?: { detail: string; onRefused(): void }
}

/** Messages arriving while an `auth` is verified wait for it, in order; a client flooding past this is closed. */
const MAX_BACKLOG = 64
/** Each `auth` costs a signature check: a socket that keeps presenting bad tokens is closed. */
const MAX_FAILED_AUTHS = 5
/** Compact JWS; an empty signature (alg none) still counts as a JWT, so it is refused as invalid, not malformed. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

interface Reply {
  ok(result: Record<string, unknown>): void
  fail(error: ParadexWsError, data?: string): void
}

const channelOf = (params: unknown) =>
  isObject(params) && typeof params.channel === 'string' ? params.channel : undefined

/**
 * One Paradex WebSocket: JSON-RPC `auth`, `subscribe`, `unsubscribe`, and the hub's pushes.
 * The identity from `auth` lasts as long as the socket, even past the JWT's expiry (Paradex §8),
 * but not past its session: a logout or revocation on any replica closes it (4001).
 */
export function serveParadexSocket(
  socket: WebSocket,
  { gateway, settings, log, geoBlocked, admit }: ParadexSocketDeps,
) {
  let identity: Identity | null = null
  let untrack = () => {}
  /** `owner`: the account a private subscription was made for; a re-auth that does not cover it drops it. */
  const subscriptions = new Map<string, { stop(): void; owner?: string }>()
  let backlog: [data: RawData, isBinary: boolean, usIn: number][] | null = null
  let failedAuths = 0
  let closed = false

  const { sendText, send } = frameSender(socket, settings.maxBufferedBytes)
  const subscriber = pushSubscriber(() => identity, send, pushFrame, log)

  function refuseAuth(reply: Reply, error: ParadexWsError, data: string) {
    failedAuths += 1
    reply.fail(error, data)
    if (failedAuths >= MAX_FAILED_AUTHS) socket.close(1008, 'too many failed auth attempts')
  }

  function authenticate(next: Identity) {
    identity = next
    untrack()
    // `channel` too: ccxt reads params.channel of every notification and would throw without one.
    untrack = gateway.liveConnections.track({
      identity: next,
      end: (ending) => closeForEnd(socket, sendText, ending, { channel: 'closing' }),
    })
    const covered = new Set(actingAccountIds(next))
    for (const [channel, subscription] of subscriptions) {
      if (subscription.owner === undefined || covered.has(subscription.owner)) continue
      subscription.stop()
      subscriptions.delete(channel)
    }
  }

  async function verify(bearer: string, reply: Reply) {
    try {
      const verified = await gateway.authenticateAccessToken(bearer)
      if (!verified.scopes.includes('read'))
        return refuseAuth(reply, 'BEARER_INVALID', 'the token cannot read')
      if (closed) return
      authenticate(verified)
      reply.ok({ node_id: settings.nodeId })
    } catch (error) {
      if (!isAuthError(error)) {
        log.error({ err: error }, 'websocket auth failed')
        return reply.fail('INTERNAL_ERROR')
      }
      log.info({ code: error.code, reason: error.internal }, 'websocket auth refused')
      refuseAuth(reply, 'BEARER_INVALID', errorCatalog[error.code][1])
    } finally {
      drain()
    }
  }

  function auth(params: unknown, reply: Reply) {
    // Before anything about the bearer: where the client is decides, whatever it sends (no token is checked).
    if (geoBlocked) {
      geoBlocked.onRefused()
      return refuseAuth(reply, 'GEO_BLOCKED', `${errorCatalog.GEO_BLOCKED[1]} (${geoBlocked.detail})`)
    }
    if (!isObject(params)) return reply.fail('INVALID_PARAMS', 'params must be {"bearer": "<JWT>"}')
    const { bearer } = params
    if (typeof bearer !== 'string' || bearer.length > MAX_ACCESS_TOKEN_LENGTH || !JWT_SHAPE.test(bearer))
      return refuseAuth(reply, 'BEARER_MALFORMED', 'bearer must be a JWT')
    backlog = []
    void verify(bearer, reply)
  }

  function subscribe(params: unknown, reply: Reply) {
    const channel = channelOf(params)
    if (channel === undefined) return reply.fail('INVALID_PARAMS', 'params.channel must be a string')
    const parsed = parseParadexChannel(channel)
    if (!parsed) return reply.fail('INVALID_REQUEST', 'invalid channel')
    if (parsed.private && !identity)
      return reply.fail('BEARER_MALFORMED', 'auth before subscribing to a private channel')
    if (subscriptions.has(channel)) return reply.fail('METHOD_ERROR', 'already subscribed')
    if (subscriptions.size >= settings.maxSubscriptions)
      return reply.fail('METHOD_ERROR', 'too many subscriptions')
    const stop = gateway.publishHub.subscribe(channel, subscriber)
    subscriptions.set(channel, parsed.private && identity ? { stop, owner: identity.accountId } : { stop })
    reply.ok({ channel })
  }

  function unsubscribe(params: unknown, reply: Reply) {
    const channel = channelOf(params)
    if (channel === undefined) return reply.fail('INVALID_PARAMS', 'params.channel must be a string')
    const subscription = subscriptions.get(channel)
    if (!subscription) return reply.fail('METHOD_ERROR', 'not subscribed')
    subscription.stop()
    subscriptions.delete(channel)
    reply.ok({ channel })
  }

  function handle(data: RawData, isBinary: boolean, usIn: number) {
    // Closing (failed-auth cap, backlog overflow): a client that ignores the close frame gets no more work done.
    if (socket.readyState !== socket.OPEN) return
    const parsed = parseRpcRequest(data, isBinary)
    const respond = (id: RpcId | undefined): Reply => ({
      ok: (result) => send(resultFrame(result, id, usIn)),
      fail: (error, detail) => send(errorFrame(error, id, usIn, detail)),
    })
    if (!parsed.ok) return respond(parsed.id).fail(parsed.error, parsed.data)
    const { method, params, id } = parsed.request
    const reply = respond(id)
    switch (method) {
      case 'auth':
        return auth(params, reply)
      case 'subscribe':
        return subscribe(params, reply)
      case 'unsubscribe':
        return unsubscribe(params, reply)
      default:
        return reply.fail('METHOD_NOT_FOUND', 'methods: auth, subscribe, unsubscribe')
    }
  }

  /** After an auth settles: the messages that waited for it, in order, until one is another auth. */
  function drain() {
    const waiting = backlog ?? []
    backlog = null
    while (waiting.length > 0 && backlog === null && !closed) handle(...waiting.shift()!)
    if (backlog !== null) (backlog as typeof waiting).unshift(...waiting)
  }

  socket.on('message', (data, isBinary) => {
    const usIn = nowMicros()
    if (socket.readyState !== socket.OPEN) return
    const admission = admit()
    if (admission === 'close') return socket.close(WS_CLOSE.RATE_LIMITED, 'message rate exceeded')
    if (admission === 'refuse') {
      const parsed = parseRpcRequest(data, isBinary)
      const id = parsed.ok ? parsed.request.id : parsed.id
      return send(errorFrame('METHOD_ERROR', id, usIn, 'rate limited: too many messages'))
    }
    if (backlog === null) return handle(data, isBinary, usIn)
    if (backlog.length >= MAX_BACKLOG) return socket.close(1008, 'too many requests in flight')
    backlog.push([data, isBinary, usIn])
  })

  const stopKeepAlive = keepAlive(socket, settings.keepAlive)
  socket.on('close', () => {
    closed = true
    backlog = null
    untrack()
    stopKeepAlive()
    for (const subscription of subscriptions.values()) subscription.stop()
    subscriptions.clear()
  })
}
