import { internalsOf } from './client-internals.js'
import { SigilError } from './errors.js'
import type { SigilSocketSource } from './socket-types.js'

export interface Credential {
  params: { bearer: string } | { apiKey: string }
  /** the access token, to name it as stale when it is renewed */
  bearer?: string
  /** by the client's clock */
  expiresAt?: number
}

/** The identity a socket authenticates with, and its renewal. */
export interface CredentialSource {
  url: string
  now(): number
  /** The credential to present now; a token already past its expiry is refreshed first. */
  current(): Promise<Credential | undefined>
  /** A fresh access token in place of `stale` (the client's single-flight refresh). */
  renew(stale: string): Promise<Credential>
  /** Calls `listener` when the client signs in (a socket opened before can then authenticate). */
  onSignIn?(listener: () => void): () => void
}

function toSocketUrl(baseUrl: string | URL): string {
  const base = String(baseUrl).replace(/\/+$/, '')
  return `${base.replace(/^http(s?):/i, 'ws$1:')}/v1/ws`
}

export function sourceOf(options: SigilSocketSource): CredentialSource {
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
    ...(apiKey === undefined ? { onSignIn: internals.onSignIn } : {}),
  }
}

/**
 * Re-`auth` this long before the token expires: a fifth of what is left, at most a minute (a
 * 5-minute token is renewed after 4), so a slow refresh still lands before the server's deadline.
 */
export const renewalLead = (remainingMs: number) => Math.min(60_000, remainingMs / 5)
