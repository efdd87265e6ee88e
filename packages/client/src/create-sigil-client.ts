import { createSiweMessage } from '@sigil/protocol/siwe'
import { registerInternals } from './client-internals.js'
import { SigilError } from './errors.js'
import { type EthereumSigner, resolveSigner } from './ethereum-signer.js'
import { createTransport, type FetchLike, readResponse } from './http.js'
import type { SigilRequestSigner } from './request-signer.js'
import { memoryStorage, type StoredTokens, type TokenStorage } from './storage.js'
import type {
  AccountRef,
  ApiKey,
  ApiKeyWithSecret,
  AuditEvent,
  CreateApiKeyInput,
  CreateHmacApiKeyInput,
  HmacApiKey,
  Me,
  NonceResponse,
  RegisterPublicKeyInput,
  RotateApiKeyInput,
  RotatePublicKeyInput,
  Session,
  SessionCookieResponse,
  SigningApiKey,
  TokenResponse,
} from './types.js'

export interface SigilClientOptions {
  /**
   * Where Sigil's native API is: its origin, plus the native prefix if the server moved it
   * (`https://auth.venue.example`, `https://venue.example/sigil`).
   */
  baseUrl: string | URL
  /** Default: the global fetch (Node 20+, browsers). */
  fetch?: FetchLike
  /** Where tokens are kept between calls. Default: memory. */
  storage?: TokenStorage
  /**
   * Authenticate with an API key instead of a sign-in (a bot). It can call `me()`, never manage
   * keys or sessions (those need the `account` scope of a wallet sign-in).
   */
  apiKey?: string
  /**
   * Sign every request with an RFC 9421 key registered with Sigil (a bot whose secret never
   * travels): `createRequestSigner` or `createWebCryptoRequestSigner` from `@sigil/client/signer`.
   * Like `apiKey`, it is the client's credential: no sign-in, no tokens. Not with `apiKey`.
   */
  signer?: SigilRequestSigner
  /**
   * fetch's `credentials`: `'include'` in a browser app on another origin that signs in with
   * `credential: 'session'`, so the session cookie is sent (the server's CORS must allow it).
   */
  credentials?: 'include' | 'same-origin' | 'omit'
  /** This machine's clock, epoch ms (for the message's Issued At). Default: `Date.now`. */
  now?: () => number
}

export interface SignInOptions {
  /** Default: the wallet's chain (EIP-1193, a WalletClient with a chain), else the server's first. */
  chainId?: number
  /** The human-readable line the wallet shows. Default: none. */
  statement?: string
}

/** A token sign-in: the tokens are in the client's storage, and here. */
export interface TokenSignIn {
  credential: 'token'
  account: AccountRef
  tokens: StoredTokens
}

/** A cookie sign-in: the browser holds an httpOnly cookie; the client holds nothing. */
export interface CookieSignIn {
  credential: 'session'
  account: AccountRef
  sessionId: string
  expiresAt: string
}

export interface SigilClient {
  readonly baseUrl: string
  /**
   * Nonce → EIP-4361 message (built by `@sigil/protocol`, the code the server parses with) →
   * personal_sign by `signer` → tokens (kept in the storage) or, with `credential: 'session'`, a
   * session cookie.
   */
  signInWithEthereum(
    signer: EthereumSigner,
    options?: SignInOptions & { credential?: 'token' },
  ): Promise<TokenSignIn>
  signInWithEthereum(
    signer: EthereumSigner,
    options: SignInOptions & { credential: 'session' },
  ): Promise<CookieSignIn>
  /**
   * A new token pair for the stored refresh token. Calls made at the same time share one request
   * (presenting a refresh token twice would revoke the session as stolen). A refusal (401) forgets
   * the stored tokens: sign in again.
   */
  refresh(): Promise<StoredTokens>
  /** The stored tokens, if any. */
  getTokens(): Promise<StoredTokens | undefined>
  me(): Promise<Me>
  /** Ends this session at the server (an already-ended one is fine) and forgets the tokens. */
  logout(): Promise<void>
  /** Ends every session of the account and forgets the tokens. */
  logoutAll(): Promise<void>
  redeemInvite(code: string): Promise<void>
  readonly apiKeys: {
    /**
     * With `publicKey`: a key that signs requests (`@sigil/client/signer`); Sigil keeps only the
     * public key and the answer has no secret. Without: the answer holds the secret, shown this once.
     */
    create(input: RegisterPublicKeyInput): Promise<SigningApiKey>
    /** `alg: 'hmac-sha256'`: a signing key with a shared secret, shown once (server option). */
    create(input: CreateHmacApiKeyInput): Promise<HmacApiKey>
    create(input: CreateApiKeyInput): Promise<ApiKeyWithSecret>
    list(): Promise<ApiKey[]>
    /**
     * A new secret for the same key, or with `publicKey` a new public key for a public-key key;
     * the old one works for `gracePeriodSeconds` (default 0).
     */
    rotate(id: string, input: RotatePublicKeyInput): Promise<SigningApiKey>
    rotate(id: string, input?: RotateApiKeyInput): Promise<ApiKeyWithSecret>
    revoke(id: string): Promise<void>
  }
  readonly sessions: {
    list(): Promise<Session[]>
    revoke(id: string): Promise<void>
  }
  readonly audit: {
    /** The account's most recent security events, newest first (`limit`: the server's default 50). */
    list(options?: { limit?: number }): Promise<AuditEvent[]>
  }
}

/**
 * A 401 a refresh can cure: the access token ran out, or is no longer recognised (a signing key
 * retired past its retention). SESSION_REVOKED and the rest are not retried: the refresh would be
 * refused as well.
 */
const REFRESHABLE = new Set(['TOKEN_EXPIRED', 'TOKEN_INVALID'])

const encode = encodeURIComponent

export function createSigilClient(options: SigilClientOptions): SigilClient {
  const { apiKey, signer } = options
  if (apiKey !== undefined && signer !== undefined) {
    throw new TypeError('createSigilClient: give `apiKey` or `signer`, not both')
  }
  const now = options.now ?? Date.now
  const transport = createTransport({ ...options, now })
  const storage = options.storage ?? memoryStorage()

  // A key (secret or signing) is the credential: stored tokens are not looked at.
  const stored = async () => (apiKey === undefined && signer === undefined ? await storage.get() : undefined)

  function keep(issued: TokenResponse): StoredTokens {
    const at = now()
    return {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      accessTokenExpiresAt: at + issued.expiresIn * 1000,
      refreshTokenExpiresAt: at + issued.refreshExpiresIn * 1000,
      account: issued.account,
    }
  }

  const post = async <T>(path: string, body: unknown): Promise<T> =>
    readResponse<T>(await transport.send('POST', path, { body }))

  /**
   * `stale`: the access token a call was refused with. If the storage already holds another one
   * (a concurrent call refreshed, or another process sharing the storage did), that one is used
   * and nothing is spent.
   */
  async function refreshTokens(stale?: string): Promise<StoredTokens> {
    const tokens = await storage.get()
    if (!tokens) throw new SigilError({ code: 'NOT_SIGNED_IN', detail: 'no refresh token: sign in first' })
    if (stale !== undefined && tokens.accessToken !== stale) return tokens
    try {
      const next = keep(await post<TokenResponse>('/v1/auth/refresh', { refreshToken: tokens.refreshToken }))
      await storage.set(next)
      return next
    } catch (error) {
      // Refused for good (spent, expired, revoked): the tokens are worthless. An outage keeps them.
      if (error instanceof SigilError && error.status === 401) await storage.set(undefined)
      throw error
    }
  }

  const signInListeners = new Set<() => void>()

  let inflight: Promise<StoredTokens> | undefined
  function refreshOnce(stale?: string): Promise<StoredTokens> {
    inflight ??= refreshTokens(stale).finally(() => {
      inflight = undefined
    })
    return inflight
  }

  /**
   * A call with whatever credential the client has: the API key, else the stored access token
   * (refreshed once on a curable 401), else none, and a session cookie may answer for it.
   */
  async function authed<T>(method: string, path: string, body?: unknown): Promise<T> {
    const tokens = await stored()
    const credential = tokens ? { bearer: tokens.accessToken } : { apiKey }
    try {
      return await readResponse<T>(await transport.send(method, path, { body, ...credential }))
    } catch (error) {
      const curable = error instanceof SigilError && error.status === 401 && REFRESHABLE.has(error.code)
      if (!tokens || !curable) throw error
    }
    const fresh = await refreshOnce(tokens.accessToken)
    return readResponse<T>(await transport.send(method, path, { body, bearer: fresh.accessToken }))
  }

  async function endSession(path: string) {
    try {
      await authed<void>('POST', path)
    } catch (error) {
      // Already ended or never valid: the goal is reached. Anything else (an outage) keeps the tokens.
      if (!(error instanceof SigilError && (error.status === 401 || error.code === 'NOT_SIGNED_IN')))
        throw error
    }
    await storage.set(undefined)
  }

  async function signInWithEthereum(
    signer: EthereumSigner,
    { chainId, statement, credential = 'token' }: SignInOptions & { credential?: 'token' | 'session' } = {},
  ): Promise<TokenSignIn | CookieSignIn> {
    const wallet = await resolveSigner(signer)
    // Bound to the address: only this wallet can use the nonce.
    const challenge = await post<NonceResponse>('/v1/auth/nonce', { address: wallet.address })
    const chain = chainId ?? wallet.chainId ?? challenge.chainIds[0]
    if (chain === undefined || !challenge.chainIds.includes(chain)) {
      throw new SigilError({
        code: 'WALLET_CHAIN_NOT_ALLOWED',
        detail: `chain ${chain} is not one of ${challenge.chainIds.join(', ')}: switch the wallet's network`,
      })
    }
    const message = createSiweMessage({
      // EIP-4361 reads a message without a scheme as https; an http deployment must say so.
      ...(challenge.scheme === 'https' ? {} : { scheme: challenge.scheme }),
      domain: challenge.domain,
      address: wallet.address,
      ...(statement === undefined ? {} : { statement }),
      uri: challenge.uri,
      version: '1',
      chainId: chain,
      nonce: challenge.nonce,
      issuedAt: new Date(now()).toISOString(),
    })
    const signature = await wallet.sign(message)
    if (credential === 'session') {
      const body = await post<SessionCookieResponse>('/v1/auth/siwe', { message, signature, credential })
      // A bearer token would win over the cookie: forget any.
      await storage.set(undefined)
      return { credential: 'session', ...body }
    }
    const tokens = keep(await post<TokenResponse>('/v1/auth/siwe', { message, signature }))
    await storage.set(tokens)
    for (const listener of [...signInListeners]) listener()
    return { credential: 'token', account: tokens.account, tokens }
  }

  const client: SigilClient = {
    baseUrl: transport.baseUrl,
    signInWithEthereum: signInWithEthereum as SigilClient['signInWithEthereum'],
    refresh: () => refreshOnce(),
    getTokens: async () => storage.get(),
    me: () => authed<Me>('GET', '/v1/auth/me'),
    logout: () => endSession('/v1/auth/logout'),
    logoutAll: () => endSession('/v1/auth/logout-all'),
    redeemInvite: (code) => authed<void>('POST', '/v1/auth/redeem-invite', { code }),
    apiKeys: {
      create: ((input: CreateApiKeyInput) =>
        authed<ApiKeyWithSecret>('POST', '/v1/api-keys', input)) as SigilClient['apiKeys']['create'],
      list: async () => (await authed<{ apiKeys: ApiKey[] }>('GET', '/v1/api-keys')).apiKeys,
      rotate: ((id: string, input: RotateApiKeyInput = {}) =>
        authed<ApiKeyWithSecret>(
          'POST',
          `/v1/api-keys/${encode(id)}/rotate`,
          input,
        )) as SigilClient['apiKeys']['rotate'],
      revoke: (id) => authed<void>('DELETE', `/v1/api-keys/${encode(id)}`),
    },
    sessions: {
      list: async () => (await authed<{ sessions: Session[] }>('GET', '/v1/auth/sessions')).sessions,
      revoke: (id) => authed<void>('DELETE', `/v1/auth/sessions/${encode(id)}`),
    },
    audit: {
      list: async ({ limit } = {}) =>
        (
          await authed<{ events: AuditEvent[] }>(
            'GET',
            `/v1/auth/audit${limit === undefined ? '' : `?limit=${limit}`}`,
          )
        ).events,
    },
  }
  registerInternals(client, {
    baseUrl: transport.baseUrl,
    apiKey,
    now,
    tokens: stored,
    refresh: (stale) => refreshOnce(stale),
    onSignIn(listener) {
      signInListeners.add(listener)
      return () => void signInListeners.delete(listener)
    },
  })
  return client
}
