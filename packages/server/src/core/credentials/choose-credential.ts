import type { SignedRequest } from '@sigil/protocol/http-signatures'
import { looksLikeApiKey } from '../api-keys/api-key-secret.js'
import { AuthError } from '../errors.js'
import { parseSecretToken } from '../secret-token.js'

/** The credentials a request presents, as the transport found them, before any is checked. */
export interface PresentedCredentials {
  /** The Authorization header, as sent. */
  authorization?: string | undefined
  /** The `x-api-key` header, as sent. */
  apiKey?: string | undefined
  /**
   * An RFC 9421 signed request (`Signature-Input` or `Signature` present), as the transport saw
   * it; `bodyPending`: it has a body the transport checks against `Content-Digest` as it reads it.
   */
  signed?: { request: SignedRequest; bodyPending: boolean } | undefined
  /** The session cookies present, in the order the app registered them (Sigil's own first). */
  cookies: readonly { name: string; value: string }[]
  /** The cookie of the API the request is for, which it reads first. */
  preferredCookie?: string | undefined
}

/** The one credential a request is judged by. */
export type ChosenCredential =
  | { kind: 'api_key'; secret: string }
  /** An RFC 9421 signature by a public-key API key (docs/signed-requests.md). */
  | { kind: 'signed_request'; request: SignedRequest; bodyPending: boolean }
  | { kind: 'access_token'; token: string }
  /** A session value sent as a Bearer token (venues such as OCX accept their cookie that way). */
  | { kind: 'session'; value: string }
  | { kind: 'cookie'; name: string; value: string }
  | { kind: 'none' }

const BEARER_SCHEME = /^Bearer /i
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*$/

/**
 * The token of `Bearer <token68>`. `known`: a token already verified (the verified-token cache),
 * which is a JWT and so token68 by construction: its 500 characters are not scanned again.
 */
export function bearerToken(
  header: string | undefined,
  known?: (token: string) => boolean,
): string | undefined {
  if (!header || header.length <= 7 || !BEARER_SCHEME.test(header)) return undefined
  const token = header.slice(7)
  return known?.(token) || TOKEN68.test(token) ? token : undefined
}

/**
 * Which credential wins when a request carries several, for every transport alike: the
 * Authorization header (an API key recognised by its prefix, a session value, else a JWT), then
 * `x-api-key`, then an RFC 9421 signature, then a session cookie, the API's own first. A header always wins over a cookie, so
 * a client that sends both is never subject to the cookie's CSRF rules; an Authorization header
 * that is not a Bearer token is refused, not skipped (a typo must not fall back to a cookie).
 */
export function chooseCredential(
  presented: PresentedCredentials,
  knownToken?: (token: string) => boolean,
): ChosenCredential {
  if (presented.authorization !== undefined) {
    const token = bearerToken(presented.authorization, knownToken)
    if (!token) throw new AuthError('CREDENTIAL_MISSING', 'unsupported authorization scheme')
    if (looksLikeApiKey(token)) return { kind: 'api_key', secret: token }
    if (parseSecretToken(token)) return { kind: 'session', value: token }
    return { kind: 'access_token', token }
  }
  if (presented.apiKey !== undefined) return { kind: 'api_key', secret: presented.apiKey }
  if (presented.signed) return { kind: 'signed_request', ...presented.signed }
  const { cookies, preferredCookie } = presented
  const cookie = cookies.find((c) => c.name === preferredCookie) ?? cookies[0]
  return cookie ? { kind: 'cookie', name: cookie.name, value: cookie.value } : { kind: 'none' }
}
