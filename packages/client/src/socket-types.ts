import type { SigilClient } from './create-sigil-client.js'
import type { SigilError } from './errors.js'

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
       * expires), or its API key. Not signed in (or a cookie sign-in): public channels only, until
       * the client signs in with a token: the open socket then authenticates. A client with a
       * request `signer`: a signed upgrade needs headers on the upgrade request, which a browser's
       * WebSocket cannot send (in Node, docs/signed-requests.md shows `ws` with the headers of
       * `signer.signRequest` and `auth {"signedUpgrade": true}`).
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
