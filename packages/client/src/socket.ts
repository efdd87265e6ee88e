import { internalsOf } from './client-internals.js'
import type { SigilClient } from './create-sigil-client.js'
import { SigilError, type SigilErrorCode } from './errors.js'

/**
 * What the helper needs of a WebSocket: the browser's, Node 22's global one, or the `ws` package's
 * (Node 20). The handlers' event types are left open (`never`) so each of those fits as it is.
 */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: never) => void) | null
  onmessage: ((event: never) => void) | null
  onclose: ((event: never) => void) | null
  onerror: ((event: never) => void) | null
}

export type WebSocketConstructor = new (url: string) => WebSocketLike

/** Where the socket connects and as whom. */
export type SigilSocketSource =
  | {
      /**
       * Authenticate as this client: its access token (renewed through its refresh before it
       * expires), or its API key. Not signed in (or a cookie sign-in): public channels only. A
       * client with a request `signer` too: a signed upgrade needs headers on the upgrade request,
       * which a browser's WebSocket cannot send (in Node, docs/signed-requests.md shows `ws` with
       * the headers of `signer.signRequest` and `auth {"signedUpgrade": true}`).
       */
      client: SigilClient
      baseUrl?: never
      apiKey?: never
    }
  | {
      /** Sigil's native API, as for `createSigilClient`. */
      baseUrl: string | URL
      /** Authenticate with this API key; without one, public channels only. */
      apiKey?: string
      client?: never
    }

export type SigilSocketOptions = SigilSocketSource & {
  /** Default: the global `WebSocket` (browsers, Node 22+). On Node 20 pass the `ws` package's. */
  WebSocket?: WebSocketConstructor
  /**
   * Reconnection after a close that is not the end of the credential: capped exponential
   * backoff with jitter, from `minDelayMs` (default 500) doubling to `maxDelayMs` (default 30 000).
   * `false`: never reconnect.
   */
  reconnect?: false | { minDelayMs?: number; maxDelayMs?: number }
}

/** The `auth` answer. */
export interface SocketAuthResult {
  accountId: string
  scopes: string[]
  credential: 'jwt' | 'api_key'
  /** ISO time the credential stops working (a JWT's `exp`, an API key's expiry). */
  expiresAt?: string
}

export type SigilSocketState = 'connecting' | 'authenticating' | 'ready' | 'reconnecting' | 'closed'

export interface SigilSocketEvents {
  /** A connection opened (the first, or a reconnection). */
  open: () => void
  /** An `auth` succeeded: on each connection, and on each renewal before the token expires. */
  authenticated: (result: SocketAuthResult) => void
  /** The server confirmed a subscription (again after every reconnection). */
  subscribed: (channel: string) => void
  /** A connection closed; `willReconnect` says whether another follows. */
  closed: (code: number, reason: string, willReconnect: boolean) => void
  reconnecting: (attempt: number, delayMs: number) => void
  /**
   * A failure: a subscription refused (`CHANNEL_UNKNOWN`, `CREDENTIAL_MISSING`, …), or the end of
   * the socket's credential (`SESSION_REVOKED`, `API_KEY_REVOKED`, …; the socket then closes for good).
   */
  error: (error: SigilError) => void
}

/** How the socket ended for good (`close()`, or a credential that ended). */
export interface SocketEnd {
  code: number
  reason: string
  /** Why, when it was not `close()`. */
  error?: SigilError
}

export interface Unsubscribe {
  (): void
  /**
   * Settles with the server's first answer: resolves once subscribed, rejects with its refusal
   * (`CHANNEL_UNKNOWN`, `CREDENTIAL_MISSING` for a private channel without a credential, …), with
   * `SOCKET_CLOSED` if the socket ends first, or `UNSUBSCRIBED` if this was undone first.
   */
  readonly ready: Promise<void>
}

export interface SigilSocket {
  readonly state: SigilSocketState
  /**
   * Receives the channel's pushes (`public:<topic>`, `private:<topic>`) until the returned function
   * is called. Works in any state: sent once authenticated, and again after every reconnection.
   */
  subscribe(channel: string, onMessage: (data: unknown, channel: string) => void): Unsubscribe
  on<E extends keyof SigilSocketEvents>(event: E, listener: SigilSocketEvents[E]): () => void
  /** Ends the socket for good: no reconnection, no timer left. */
  close(): void
  /** Resolves when the socket has ended for good. */
  readonly ended: Promise<SocketEnd>
}

const OPEN = 1
const MAX_TIMER_MS = 2 ** 31 - 1
/** RFC 6455 lets an application close with 4000-4999; the server reads this one as a goodbye. */
const CLIENT_RETRY = 4000
const NORMAL = 1000

/** A refusal a fresh access token cures (the same as the HTTP client's). */
const REFRESHABLE = new Set<SigilErrorCode>(['TOKEN_EXPIRED', 'TOKEN_INVALID'])
/** Failures that say nothing about the credential: try again later on a new connection. */
const TRANSIENT = new Set<SigilErrorCode>([
  'NETWORK_ERROR',
  'SOCKET_CLOSED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMITED',
])
/** The server ended the socket's credential: reconnecting would be refused the same way. */
const CREDENTIAL_ENDED: Record<number, SigilErrorCode> = {
  4001: 'SESSION_REVOKED',
  4002: 'API_KEY_REVOKED',
}
const CREDENTIAL_EXPIRED = 4003
/** Policy (five refused `auth`s) and a message too large: the same client would do it again. */
const REFUSED_FOR_GOOD = new Set([1008, 1009])

interface Credential {
  params: { bearer: string } | { apiKey: string }
  /** the access token, to name it as stale when it is renewed */
  bearer?: string
  /** by the client's clock */
  expiresAt?: number
}

/** The identity a socket authenticates with, and its renewal. */
interface CredentialSource {
  url: string
  now(): number
  /** The credential to present now; a token already past its expiry is refreshed first. */
  current(): Promise<Credential | undefined>
  /** A fresh access token in place of `stale` (the client's single-flight refresh). */
  renew(stale: string): Promise<Credential>
}

function toSocketUrl(baseUrl: string | URL): string {
  const base = String(baseUrl).replace(/\/+$/, '')
  return `${base.replace(/^http(s?):/i, 'ws$1:')}/v1/ws`
}

function sourceOf(options: SigilSocketSource): CredentialSource {
  if (!options.client) {
    const { apiKey } = options
    return {
      url: toSocketUrl(options.baseUrl),
      now: Date.now,
      current: async () => (apiKey === undefined ? undefined : { params: { apiKey } }),
      renew: () => Promise.reject(new SigilError({ code: 'NOT_SIGNED_IN', detail: 'no token to renew' })),
    }
  }
  const internals = internalsOf(options.client)
  if (!internals) throw new TypeError('client: pass a client made by createSigilClient')
  const ofTokens = (tokens: { accessToken: string; accessTokenExpiresAt: number }): Credential => ({
    params: { bearer: tokens.accessToken },
    bearer: tokens.accessToken,
    expiresAt: tokens.accessTokenExpiresAt,
  })
  const { apiKey } = internals
  return {
    url: toSocketUrl(internals.baseUrl),
    now: internals.now,
    async current() {
      if (apiKey !== undefined) return { params: { apiKey } }
      const tokens = await internals.tokens()
      if (!tokens) return undefined
      if (tokens.accessTokenExpiresAt > internals.now()) return ofTokens(tokens)
      return ofTokens(await internals.refresh(tokens.accessToken))
    },
    renew: async (stale) => ofTokens(await internals.refresh(stale)),
  }
}

/**
 * Re-`auth` this long before the token expires: a fifth of what is left, at most a minute (a
 * 5-minute token is renewed after 4), so a slow refresh still lands before the server's deadline.
 */
const renewalLead = (remainingMs: number) => Math.min(60_000, remainingMs / 5)

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A listener's own bug: reported as an uncaught error (as a browser's EventTarget does), so the
 * socket's bookkeeping and the other listeners carry on.
 */
const reportUncaught = (error: unknown) =>
  queueMicrotask(() => {
    throw error
  })

const asSigilError = (error: unknown): SigilError =>
  error instanceof SigilError
    ? error
    : new SigilError({ code: 'UNEXPECTED_RESPONSE', detail: String(error), cause: error })

/** One connection's bookkeeping; a reconnection starts a new one. */
interface Connection {
  ws: WebSocketLike
  pending: Map<number, { resolve(result: unknown): void; reject(error: SigilError): void }>
  /** channels a subscribe was sent for on this connection (and no unsubscribe since) */
  subscribed: Set<string>
  /** authenticated (or anonymous): subscriptions are sent */
  ready: boolean
  /** the server's last word before it closed (the `closing` notification) */
  closing?: { code?: string; message?: string }
  /** the access token this connection authenticated with */
  bearer?: string | undefined
}

interface Subscriber {
  onMessage(data: unknown, channel: string): void
  resolve(): void
  reject(error: SigilError): void
}

interface Channel {
  subscribers: Set<Subscriber>
  /** confirmed on the current connection */
  confirmed: boolean
}

/**
 * Sigil's native WebSocket (docs/api.md, WebSocket), kept alive: it authenticates with the
 * client's access token or an API key, re-`auth`s with a refreshed token before the token expires
 * (the server closes a socket at its JWT's expiry, 4003), reconnects after an abnormal close with
 * capped exponential backoff and jitter, and re-subscribes every channel on each new connection.
 * It stops for good on `close()` and when the credential ends (4001 session revoked, 4002 key
 * revoked: an `error` event with the server's code).
 *
 * Hand-written over the bare WebSocket: the reconnecting-socket libraries know nothing of JSON-RPC,
 * of re-authenticating, or of Sigil's close codes, which are most of the work here.
 */
export function createSigilSocket(options: SigilSocketOptions): SigilSocket {
  const source = sourceOf(options)
  const found: WebSocketConstructor | undefined =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor | undefined }).WebSocket
  if (found === undefined)
    throw new SigilError({
      code: 'WEBSOCKET_UNAVAILABLE',
      detail: 'no global WebSocket (Node 20): pass one, e.g. the ws package`s: { WebSocket }',
    })
  const Socket = found
  const backoff =
    options.reconnect === false
      ? undefined
      : { min: options.reconnect?.minDelayMs ?? 500, max: options.reconnect?.maxDelayMs ?? 30_000 }

  type Listener = (...args: never[]) => void
  const listeners = new Map<keyof SigilSocketEvents, Set<Listener>>()
  const emit = <E extends keyof SigilSocketEvents>(event: E, ...args: Parameters<SigilSocketEvents[E]>) => {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        ;(listener as (...a: Parameters<SigilSocketEvents[E]>) => void)(...args)
      } catch (error) {
        reportUncaught(error)
      }
    }
  }

  const channels = new Map<string, Channel>()
  let state: SigilSocketState = 'connecting'
  let current: Connection | undefined
  let nextId = 1
  let attempt = 0
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined
  let renewTimer: ReturnType<typeof setTimeout> | undefined
  let finished: SocketEnd | undefined
  let resolveEnded: (end: SocketEnd) => void = () => {}
  const ended = new Promise<SocketEnd>((resolve) => {
    resolveEnded = resolve
  })

  function request(connection: Connection, method: string, params: unknown): Promise<unknown> {
    if (connection !== current || connection.ws.readyState !== OPEN)
      return Promise.reject(new SigilError({ code: 'SOCKET_CLOSED', detail: 'the connection closed' }))
    const id = nextId++
    return new Promise((resolve, reject) => {
      connection.pending.set(id, { resolve, reject })
      connection.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
    })
  }

  function answer(connection: Connection, frame: Record<string, unknown>) {
    const waiting = typeof frame.id === 'number' ? connection.pending.get(frame.id) : undefined
    if (!waiting) return
    connection.pending.delete(frame.id as number)
    if (!isObject(frame.error)) return waiting.resolve(frame.result)
    const { message, data } = frame.error
    const code = isObject(data) && typeof data.code === 'string' ? data.code : 'UNEXPECTED_RESPONSE'
    const detail = isObject(data) && typeof data.detail === 'string' ? data.detail : undefined
    waiting.reject(new SigilError({ code, title: typeof message === 'string' ? message : undefined, detail }))
  }

  function deliver(params: unknown) {
    if (!isObject(params) || typeof params.channel !== 'string') return
    const { channel, data } = params
    for (const subscriber of [...(channels.get(channel)?.subscribers ?? [])]) {
      try {
        subscriber.onMessage(data, channel)
      } catch (error) {
        reportUncaught(error)
      }
    }
  }

  function onFrame(connection: Connection, text: unknown) {
    if (connection !== current || typeof text !== 'string') return
    let frame: unknown
    try {
      frame = JSON.parse(text)
    } catch {
      return
    }
    if (!isObject(frame)) return
    if (frame.method === 'subscription') return deliver(frame.params)
    if (frame.method === 'closing' && isObject(frame.params)) {
      const { code, message } = frame.params
      connection.closing = {
        ...(typeof code === 'string' ? { code } : {}),
        ...(typeof message === 'string' ? { message } : {}),
      }
      return
    }
    if ('id' in frame) answer(connection, frame)
  }

  function sendSubscribe(connection: Connection, channel: string) {
    connection.subscribed.add(channel)
    request(connection, 'subscribe', { channel }).then(
      () => confirmed(connection, channel),
      (error: SigilError) => {
        // Subscribed already (a subscribe / unsubscribe / subscribe raced): that is the goal.
        if (error.code === 'ALREADY_SUBSCRIBED') return confirmed(connection, channel)
        // The connection dropped: the next one subscribes again.
        if (connection !== current || error.code === 'SOCKET_CLOSED') return
        connection.subscribed.delete(channel)
        const refused = channels.get(channel)
        channels.delete(channel)
        for (const subscriber of refused?.subscribers ?? []) subscriber.reject(error)
        emit('error', error)
      },
    )
  }

  function confirmed(connection: Connection, channel: string) {
    const entry = channels.get(channel)
    if (connection !== current || !entry || entry.confirmed) return
    entry.confirmed = true
    for (const subscriber of entry.subscribers) subscriber.resolve()
    emit('subscribed', channel)
  }

  async function authenticate(connection: Connection, credential: Credential, renewed: boolean) {
    let result: SocketAuthResult
    try {
      result = (await request(connection, 'auth', credential.params)) as SocketAuthResult
    } catch (error) {
      // The server's clock may disagree with ours about the token: one refresh, one more try.
      if (renewed || credential.bearer === undefined || !REFRESHABLE.has(asSigilError(error).code))
        throw error
      return authenticate(connection, await source.renew(credential.bearer), true)
    }
    if (connection !== current) return
    connection.bearer = credential.bearer
    emit('authenticated', result)
    scheduleRenewal(connection, credential)
  }

  function scheduleRenewal(connection: Connection, credential: Credential) {
    clearTimeout(renewTimer)
    renewTimer = undefined
    const { bearer, expiresAt } = credential
    if (bearer === undefined || expiresAt === undefined) return
    const remaining = expiresAt - source.now()
    renewTimer = setTimeout(
      () => {
        renewTimer = undefined
        source
          .renew(bearer)
          .then((fresh) => (connection === current ? authenticate(connection, fresh, true) : undefined))
          .catch((error: unknown) => failed(connection, error))
      },
      // setTimeout's ceiling (about 24.8 days): a longer token is renewed early, not at once.
      Math.min(MAX_TIMER_MS, Math.max(0, remaining - renewalLead(remaining))),
    )
  }

  /** Authenticates a new connection (if there is a credential), then sends every subscription. */
  async function start(connection: Connection, stale: string | undefined) {
    state = 'authenticating'
    try {
      const credential = stale === undefined ? await source.current() : await source.renew(stale)
      if (credential && connection === current)
        await authenticate(connection, credential, stale !== undefined)
    } catch (error) {
      return failed(connection, error)
    }
    if (connection !== current) return
    connection.ready = true
    state = 'ready'
    attempt = 0
    for (const channel of channels.keys()) sendSubscribe(connection, channel)
  }

  /** A failure while (re)authenticating: try again on a new connection, or stop for good. */
  function failed(connection: Connection, cause: unknown) {
    if (connection !== current || finished) return
    const error = asSigilError(cause)
    if (TRANSIENT.has(error.code) || (error.status ?? 0) >= 500) {
      connection.ws.close(CLIENT_RETRY, 'reconnecting')
      return
    }
    emit('error', error)
    finish({ code: NORMAL, reason: error.code, error })
  }

  function connect(stale?: string) {
    reconnectTimer = undefined
    state = attempt === 0 ? 'connecting' : 'reconnecting'
    const connection: Connection = {
      ws: new Socket(source.url),
      pending: new Map(),
      subscribed: new Set(),
      ready: false,
    }
    current = connection
    const { ws } = connection
    ws.onopen = () => {
      if (connection !== current) return
      emit('open')
      void start(connection, stale)
    }
    ws.onmessage = (event: { data: unknown }) => onFrame(connection, event.data)
    // A failed connection also closes: the close handler decides.
    ws.onerror = () => {}
    ws.onclose = (event: { code: number; reason: string }) => closed(connection, event.code, event.reason)
  }

  function closed(connection: Connection, code: number, reason: string) {
    if (connection !== current) return
    current = undefined
    clearTimeout(renewTimer)
    renewTimer = undefined
    for (const waiting of connection.pending.values())
      waiting.reject(new SigilError({ code: 'SOCKET_CLOSED', detail: `closed (${code})` }))
    connection.pending.clear()
    for (const entry of channels.values()) entry.confirmed = false

    if (finished) {
      emit('closed', code, reason, false)
      return resolveEnded(finished)
    }
    const serverSaid = connection.closing
    const apiKeyExpired = code === CREDENTIAL_EXPIRED && connection.bearer === undefined
    const ended = CREDENTIAL_ENDED[code] ?? (apiKeyExpired ? 'API_KEY_EXPIRED' : undefined)
    if (ended !== undefined || REFUSED_FOR_GOOD.has(code) || !backoff) {
      const error =
        ended === undefined && !REFUSED_FOR_GOOD.has(code)
          ? undefined
          : new SigilError({
              code: serverSaid?.code ?? ended ?? 'SOCKET_CLOSED',
              detail: serverSaid?.message ?? `the server closed the socket (${code} ${reason})`,
            })
      if (error) emit('error', error)
      finish(error ? { code, reason, error } : { code, reason })
      return emit('closed', code, reason, false)
    }
    emit('closed', code, reason, true)
    if (code === CREDENTIAL_EXPIRED && connection.bearer !== undefined) {
      // The token ran out before a renewal landed (a sleeping laptop): refresh, then straight back.
      return connect(connection.bearer)
    }
    const ceiling = Math.min(backoff.max, backoff.min * 2 ** attempt)
    // Equal jitter: at least half the ceiling, so a fleet that lost one server does not return at once.
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2)
    attempt += 1
    state = 'reconnecting'
    emit('reconnecting', attempt, delay)
    reconnectTimer = setTimeout(() => connect(), delay)
  }

  /** Stops for good: timers cleared, subscribers told, the connection closed (if any). */
  function finish(end: SocketEnd) {
    if (finished) return
    finished = end
    state = 'closed'
    clearTimeout(reconnectTimer)
    clearTimeout(renewTimer)
    reconnectTimer = renewTimer = undefined
    for (const entry of channels.values())
      for (const subscriber of entry.subscribers)
        subscriber.reject(new SigilError({ code: 'SOCKET_CLOSED', detail: 'the socket was closed' }))
    // With a connection, its close event resolves `ended`.
    if (current) current.ws.close(NORMAL, 'client closed')
    else resolveEnded(end)
  }

  function subscribe(channel: string, onMessage: (data: unknown, channel: string) => void): Unsubscribe {
    let subscriber!: Subscriber
    const ready = new Promise<void>((resolve, reject) => {
      subscriber = { onMessage, resolve, reject }
    })
    // Awaiting `ready` is optional: an unread refusal is not an unhandled rejection.
    ready.catch(() => {})
    const unsubscribe = Object.assign(() => unsubscribeOne(channel, subscriber), { ready })
    if (finished) {
      subscriber.reject(new SigilError({ code: 'SOCKET_CLOSED', detail: 'the socket was closed' }))
      return unsubscribe
    }
    const entry = channels.get(channel)
    if (entry) {
      entry.subscribers.add(subscriber)
      if (entry.confirmed) subscriber.resolve()
      return unsubscribe
    }
    channels.set(channel, { subscribers: new Set([subscriber]), confirmed: false })
    if (current?.ready) sendSubscribe(current, channel)
    return unsubscribe
  }

  function unsubscribeOne(channel: string, subscriber: Subscriber) {
    const entry = channels.get(channel)
    if (!entry?.subscribers.delete(subscriber)) return
    subscriber.reject(new SigilError({ code: 'UNSUBSCRIBED', detail: `unsubscribed from ${channel}` }))
    if (entry.subscribers.size > 0) return
    channels.delete(channel)
    const connection = current
    if (!connection?.subscribed.delete(channel)) return
    // Not subscribed (any more) is the goal reached; a closed connection forgot it anyway.
    request(connection, 'unsubscribe', { channel }).catch(() => {})
  }

  connect()

  return {
    get state() {
      return state
    },
    subscribe,
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener)
      return () => void set.delete(listener)
    },
    close: () => finish({ code: NORMAL, reason: 'client closed' }),
    ended,
  }
}
