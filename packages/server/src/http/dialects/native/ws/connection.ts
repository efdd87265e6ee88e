import { MAX_ACCESS_TOKEN_LENGTH } from '@sigil/protocol'
import type { FastifyBaseLogger } from 'fastify'
import type { RawData, WebSocket } from 'ws'
import type { SignedRequestCheck } from '../../../../core/api-keys/signed-request-verifier.js'
import type { ConnectionCredential } from '../../../../core/credentials/create-credential-authenticator.js'
import { isAuthError } from '../../../../core/errors.js'
import type { Gateway } from '../../../../core/gateway.js'
import { actingAccountIds, type Identity } from '../../../../core/identity.js'
import { parseNativeChannel } from '../../../../core/publish-hub/native-channels.js'
import { errorCatalog } from '../../../error-catalog.js'
import { closeForEnd, WS_CLOSE } from '../../../websocket/close-codes.js'
import { isObject, parseRpcRequest, type RpcId } from '../../../websocket/json-rpc.js'
import { keepAlive } from '../../../websocket/keepalive.js'
import type { Admission } from '../../../websocket/socket-limits.js'
import { frameSender, pushSubscriber, type SocketSettings } from '../../../websocket/socket-parts.js'
import { type NativeWsError, nativeWsErrors } from './errors.js'

export type NativeSocketSettings = SocketSettings

export interface NativeSocketDeps {
  gateway: Pick<Gateway, 'authenticateConnection' | 'publishHub' | 'liveConnections'>
  /** The upgrade request's RFC 9421 signature, checked at the upgrade (route.ts), if it had one. */
  signedUpgrade?: SignedRequestCheck | undefined
  settings: NativeSocketSettings
  /** The upgrade request's client IP: an API key's allowlist is checked against it. */
  ip: string
  log: FastifyBaseLogger
  admit(): Admission
}

/** Requests waiting behind an `auth` being verified; a client flooding past this is closed (1008). */
const MAX_PENDING = 64
/** Each `auth` costs a signature check or a store read: a socket that keeps presenting bad credentials is closed. */
const MAX_FAILED_AUTHS = 5
/** Far above any key Sigil mints: a longer string is refused before it is parsed. */
const MAX_API_KEY_LENGTH = 256
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/
const AUTH_PARAMS =
  'params must be {"bearer": "<JWT>"}, {"apiKey": "<key>"} or {"signedUpgrade": true} (after a signed upgrade)'

interface Reply {
  ok(result: Record<string, unknown>): void
  fail(error: NativeWsError, code: string, detail?: string): void
}

const channelOf = (params: unknown) =>
  isObject(params) && typeof params.channel === 'string' ? params.channel : undefined

/** A JSON-RPC 2.0 response; a request without an id is a notification and gets none. */
function responder(send: (frame: object) => void, id: RpcId | undefined): Reply {
  if (id === undefined) return { ok() {}, fail() {} }
  return {
    ok: (result) => send({ jsonrpc: '2.0', id, result }),
    fail: (error, code, detail) => {
      const [number, message] = nativeWsErrors[error]
      const data = detail === undefined ? { code } : { code, detail }
      send({ jsonrpc: '2.0', id, error: { code: number, message, data } })
    },
  }
}

/**
 * One native WebSocket (docs/api.md, WebSocket): JSON-RPC 2.0 `auth` with a JWT or an API key,
 * `subscribe` / `unsubscribe` to `public:*` and `private:*` channels, and the hub's pushes.
 * Unlike Paradex's, the socket lives no longer than its credential: it closes at the JWT's `exp`
 * unless a new `auth` moved it (4003), at an API key's expiry, and on any revocation (4001/4002).
 */
export function serveNativeSocket(
  socket: WebSocket,
  { gateway, settings, ip, log, admit, signedUpgrade }: NativeSocketDeps,
) {
  let identity: Identity | null = null
  let untrack = () => {}
  const subscriptions = new Map<string, { stop(): void; owner?: string }>()
  let failedAuths = 0
  /** An `auth` being verified: later messages wait in `waiting`, in order. */
  let busy = false
  const waiting: [data: RawData, isBinary: boolean][] = []

  const { sendText, send } = frameSender(socket, settings.maxBufferedBytes)
  const subscriber = pushSubscriber(
    () => identity,
    send,
    (channel, data) => ({ jsonrpc: '2.0', method: 'subscription', params: { channel, data } }),
    log,
  )

  function refuseAuth(reply: Reply, error: NativeWsError, code: string, detail?: string) {
    failedAuths += 1
    reply.fail(error, code, detail)
    if (failedAuths >= MAX_FAILED_AUTHS) socket.close(1008, 'too many failed auth attempts')
  }

  function adopt(
    next: Identity,
    expiresAt: number | undefined,
    recheck: (() => Promise<object>) | undefined,
  ) {
    identity = next
    untrack()
    untrack = gateway.liveConnections.track({
      identity: next,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(recheck ? { recheck } : {}),
      end: (ending) => closeForEnd(socket, sendText, ending),
    })
    const covered = new Set(actingAccountIds(next))
    for (const [channel, subscription] of subscriptions) {
      if (subscription.owner === undefined || covered.has(subscription.owner)) continue
      subscription.stop()
      subscriptions.delete(channel)
    }
  }

  function credentialOf(params: unknown, reply: Reply): ConnectionCredential | undefined {
    if (!isObject(params)) return void reply.fail('INVALID_PARAMS', 'VALIDATION_FAILED', AUTH_PARAMS)
    const { bearer, apiKey, signedUpgrade: signed } = params
    if ([bearer, apiKey, signed].filter((given) => given !== undefined).length !== 1)
      return void reply.fail('INVALID_PARAMS', 'VALIDATION_FAILED', AUTH_PARAMS)
    if (signed !== undefined) {
      if (signed !== true) return void reply.fail('INVALID_PARAMS', 'VALIDATION_FAILED', AUTH_PARAMS)
      if (signedUpgrade) return { signedUpgrade }
      return void refuseAuth(
        reply,
        'UNAUTHORIZED',
        'CREDENTIAL_MISSING',
        'the upgrade request was not signed',
      )
    }
    if (bearer !== undefined) {
      if (typeof bearer === 'string' && bearer.length <= MAX_ACCESS_TOKEN_LENGTH && JWT_SHAPE.test(bearer))
        return { bearer }
      return void refuseAuth(reply, 'UNAUTHORIZED', 'TOKEN_INVALID', 'bearer must be a JWT')
    }
    if (typeof apiKey === 'string' && apiKey.length <= MAX_API_KEY_LENGTH) return { apiKey }
    return void refuseAuth(reply, 'UNAUTHORIZED', 'API_KEY_INVALID', 'apiKey must be an API key')
  }

  async function auth(params: unknown, reply: Reply) {
    const credential = credentialOf(params, reply)
    if (!credential) return
    try {
      const checked = await gateway.authenticateConnection(credential, ip)
      if (!checked.identity.scopes.includes('read'))
        return refuseAuth(reply, 'FORBIDDEN', 'SCOPE_MISSING', 'the credential cannot read')
      if (socket.readyState !== socket.OPEN) return
      adopt(checked.identity, checked.expiresAt, checked.recheck)
      const { accountId, scopes, via } = checked.identity
      reply.ok({
        accountId,
        scopes,
        credential: via,
        ...(checked.expiresAt === undefined ? {} : { expiresAt: new Date(checked.expiresAt).toISOString() }),
      })
    } catch (error) {
      if (!isAuthError(error)) {
        log.error({ err: error }, 'websocket auth failed')
        return reply.fail('INTERNAL_ERROR', 'INTERNAL_ERROR')
      }
      log.info({ code: error.code, reason: error.internal }, 'websocket auth refused')
      const [status, title] = errorCatalog[error.code]
      // A store that is down refused nothing: not counted as a failed auth.
      if (status >= 500) return reply.fail('INTERNAL_ERROR', error.code, title)
      refuseAuth(reply, status === 403 ? 'FORBIDDEN' : 'UNAUTHORIZED', error.code, title)
    }
  }

  function subscribe(params: unknown, reply: Reply) {
    const channel = channelOf(params)
    if (channel === undefined)
      return reply.fail('INVALID_PARAMS', 'VALIDATION_FAILED', 'params.channel must be a string')
    const parsed = parseNativeChannel(channel)
    if (!parsed)
      return reply.fail('INVALID_PARAMS', 'CHANNEL_UNKNOWN', 'channels: public:<topic>, private:<topic>')
    if (parsed.private && !identity)
      return reply.fail('UNAUTHORIZED', 'CREDENTIAL_MISSING', 'auth before subscribing to a private channel')
    if (subscriptions.has(channel)) return reply.fail('SUBSCRIPTION_REFUSED', 'ALREADY_SUBSCRIBED')
    if (subscriptions.size >= settings.maxSubscriptions)
      return reply.fail('SUBSCRIPTION_REFUSED', 'SUBSCRIPTION_LIMIT', `at most ${settings.maxSubscriptions}`)
    const stop = gateway.publishHub.subscribe(channel, subscriber)
    subscriptions.set(channel, parsed.private && identity ? { stop, owner: identity.accountId } : { stop })
    reply.ok({ channel })
  }

  function unsubscribe(params: unknown, reply: Reply) {
    const channel = channelOf(params)
    if (channel === undefined)
      return reply.fail('INVALID_PARAMS', 'VALIDATION_FAILED', 'params.channel must be a string')
    const subscription = subscriptions.get(channel)
    if (!subscription) return reply.fail('SUBSCRIPTION_REFUSED', 'NOT_SUBSCRIBED')
    subscription.stop()
    subscriptions.delete(channel)
    reply.ok({ channel })
  }

  /** Answers one message; only `auth` is asynchronous (its promise is returned). */
  function handle(data: RawData, isBinary: boolean): Promise<void> | undefined {
    // Closing (failed-auth cap, revocation): a client that ignores the close frame gets no more work done.
    if (socket.readyState !== socket.OPEN) return
    const parsed = parseRpcRequest(data, isBinary)
    if (!parsed.ok)
      return void responder(send, parsed.id ?? null).fail(parsed.error, parsed.error, parsed.data)
    const { method, params, id } = parsed.request
    const reply = responder(send, id)
    switch (method) {
      case 'auth':
        return auth(params, reply)
      case 'subscribe':
        return void subscribe(params, reply)
      case 'unsubscribe':
        return void unsubscribe(params, reply)
      default:
        return void reply.fail(
          'METHOD_NOT_FOUND',
          'METHOD_NOT_FOUND',
          'methods: auth, subscribe, unsubscribe',
        )
    }
  }

  function dispatch(data: RawData, isBinary: boolean) {
    const verifying = handle(data, isBinary)
    if (!verifying) return
    busy = true
    void verifying
      .catch((error: unknown) => log.error({ err: error }, 'websocket auth failed'))
      .finally(() => {
        busy = false
        // The messages that waited for it, in order, until one is another auth.
        while (!busy && waiting.length > 0) dispatch(...waiting.shift()!)
      })
  }

  socket.on('message', (data, isBinary) => {
    if (socket.readyState !== socket.OPEN) return
    const admission = admit()
    if (admission === 'close') return socket.close(WS_CLOSE.RATE_LIMITED, 'message rate exceeded')
    if (admission === 'refuse') {
      const parsed = parseRpcRequest(data, isBinary)
      const id = parsed.ok ? parsed.request.id : (parsed.id ?? null)
      return responder(send, id).fail('RATE_LIMITED', 'RATE_LIMITED', 'too many messages: slow down')
    }
    if (!busy) return dispatch(data, isBinary)
    // In order: a subscribe sent right after `auth` waits for its answer.
    if (waiting.length >= MAX_PENDING) return socket.close(1008, 'too many requests in flight')
    waiting.push([data, isBinary])
  })

  const stopKeepAlive = keepAlive(socket, settings.keepAlive)
  socket.on('close', () => {
    waiting.length = 0
    untrack()
    stopKeepAlive()
    for (const subscription of subscriptions.values()) subscription.stop()
    subscriptions.clear()
  })
}
