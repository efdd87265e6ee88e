import type { StoredTokens } from './storage.js'

/**
 * What a helper built beside the client (the WebSocket) needs of it and the public interface does
 * not show: its clock, its API key, and the refresh that spares a token another caller already
 * replaced. Kept in a WeakMap rather than on the client object, so the socket stays a separate,
 * tree-shakeable import and the client's public surface does not grow.
 */
export interface ClientInternals {
  baseUrl: string
  apiKey: string | undefined
  now(): number
  tokens(): Promise<StoredTokens | undefined>
  /** The client's single-flight refresh; `stale`: the access token being replaced. */
  refresh(stale: string): Promise<StoredTokens>
  /** Calls `listener` after each token sign-in of this client, until the returned function is called. */
  onSignIn(listener: () => void): () => void
}

const registry = new WeakMap<object, ClientInternals>()

export const registerInternals = (client: object, internals: ClientInternals) => {
  registry.set(client, internals)
}

export const internalsOf = (client: object): ClientInternals | undefined => registry.get(client)
