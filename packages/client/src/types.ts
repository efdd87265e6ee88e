/**
 * The native API's bodies as the client sees them (docs/api.md; the server's TypeBox schemas in
 * packages/server/src/http/dialects/native/*schemas.ts are the source). Times are ISO 8601 text.
 */

export type Address = `0x${string}`
export type ApiKeyScope = 'read' | 'trade'

/** `POST /v1/auth/nonce`: what the SIWE message must say. */
export interface NonceResponse {
  nonce: string
  expiresAt: string
  domain: string
  scheme: 'https' | 'http'
  uri: string
  chainIds: number[]
}

export interface AccountRef {
  id: string
  address: string
}

/** `POST /v1/auth/siwe` (credential `token`) and `POST /v1/auth/refresh`. */
export interface TokenResponse {
  accessToken: string
  tokenType: 'Bearer'
  /** seconds */
  expiresIn: number
  refreshToken: string
  /** seconds */
  refreshExpiresIn: number
  account: AccountRef
}

/** `POST /v1/auth/siwe` with credential `session`: the cookie is set, the body says on whom. */
export interface SessionCookieResponse {
  account: AccountRef
  sessionId: string
  expiresAt: string
}

/** `GET /v1/auth/me`. */
export interface Me {
  account: { id: string; address: string; status: string }
  credential: 'jwt' | 'cookie' | 'session' | 'api_key'
  sessionId?: string
  apiKeyId?: string
  scopes: string[]
}

/** One of `GET /v1/auth/sessions`. */
export interface Session {
  id: string
  kind: 'token' | 'cookie'
  /** the session the request was made with */
  current: boolean
  createdAt: string
  lastUsedAt: string
  expiresAt: string
  ip?: string
  userAgent?: string
}

/** One of the account's security events (`GET /v1/auth/audit`); never a secret. */
export interface AuditEvent {
  id: number
  at: string
  /** `sign_in.succeeded`, `api_key.created`, `session.revoked`, … (docs/api.md) */
  type: string
  ip?: string
  detail?: Record<string, string | number | boolean>
}

/** `POST /v1/api-keys`. */
export interface CreateApiKeyInput {
  name: string
  scope: ApiKeyScope
  /** IPv4/IPv6 addresses and CIDR ranges; empty or absent: any IP */
  allowedIps?: string[]
  expiresInDays?: number
}

/** A public key (RFC 7517 JWK) that signs requests: OKP Ed25519 or EC P-256. */
export type PublicSigningJwk =
  | { kty: 'OKP'; crv: 'Ed25519'; x: string }
  | { kty: 'EC'; crv: 'P-256'; x: string; y: string }

/** `POST /v1/api-keys` with a public key: the key signs requests (RFC 9421), no secret exists. */
export interface RegisterPublicKeyInput extends CreateApiKeyInput {
  publicKey: PublicSigningJwk
}

/** `POST /v1/api-keys` for an `hmac-sha256` signing key (only when the server enables them). */
export interface CreateHmacApiKeyInput extends CreateApiKeyInput {
  alg: 'hmac-sha256'
}

export interface RotateApiKeyInput {
  /** How long the old secret (or public key) keeps working (default 0, at most 86 400). */
  gracePeriodSeconds?: number
}

/** Rotating a public-key key: its new public key (required for such a key). */
export interface RotatePublicKeyInput extends RotateApiKeyInput {
  publicKey: PublicSigningJwk
}

/** One of `GET /v1/api-keys`: never the secret. */
export interface ApiKey {
  id: string
  name: string
  scope: ApiKeyScope
  allowedIps: string[]
  status: 'active' | 'expired' | 'revoked'
  /** `secret`: a bearer key; `public-key` or `hmac`: a key that signs requests (RFC 9421). */
  credential: 'secret' | 'public-key' | 'hmac'
  /** A secret key: `sgl_sk_<id>…<last four>`; a public-key key: its id. */
  masked: string
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
  lastUsedIp: string | null
}

/** A created or rotated key: the secret is in this answer and nowhere else, ever. */
export interface ApiKeyWithSecret extends ApiKey {
  secret: string
}

/** A key registered with a public key: no secret, the algorithm its signatures must use. */
export interface SigningApiKey extends ApiKey {
  credential: 'public-key'
  alg: 'ed25519' | 'ecdsa-p256-sha256'
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key */
  thumbprint: string
  /** The registered public key (public members only). */
  publicKey: PublicSigningJwk
}

/** An `hmac-sha256` signing key: its shared secret (base64url) is in this answer only. */
export interface HmacApiKey extends ApiKey {
  credential: 'hmac'
  alg: 'hmac-sha256'
  secret: string
}
