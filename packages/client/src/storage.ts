import type { AccountRef } from './types.js'

/** What a token sign-in leaves behind, as the client keeps it. Times are epoch milliseconds. */
export interface StoredTokens {
  accessToken: string
  refreshToken: string
  /** when the access token expires, by this machine's clock */
  accessTokenExpiresAt: number
  /** when the refresh token expires if unused, by this machine's clock */
  refreshTokenExpiresAt: number
  account: AccountRef
}

/**
 * Where the client keeps its tokens between calls: memory by default; the CLI keeps them in a
 * file, a browser app may keep them where it sees fit (or use a session cookie and no tokens).
 * The client reads it before every call and before a refresh, so another holder of the same
 * storage that refreshed first (a second process) is noticed instead of spending a spent token.
 */
export interface TokenStorage {
  get(): StoredTokens | undefined | Promise<StoredTokens | undefined>
  /** `undefined`: forget them (logout, or a refresh the server refused for good). */
  set(tokens: StoredTokens | undefined): void | Promise<void>
}

/** Tokens in this object only: gone with it. */
export function memoryStorage(initial?: StoredTokens): TokenStorage {
  let tokens = initial
  return {
    get: () => tokens,
    set: (next) => {
      tokens = next
    },
  }
}
