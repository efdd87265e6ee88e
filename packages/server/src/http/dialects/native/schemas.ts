import { type Static, Type } from '@sinclair/typebox'

/** Wire schemas of the native API; they are also the OpenAPI document's components. */
const Address = Type.String({ pattern: '^0x[0-9a-fA-F]{40}$', description: '20-byte Ethereum address' })

export const NonceRequest = Type.Object(
  { address: Type.Optional(Address) },
  { additionalProperties: false, $id: 'NonceRequest' },
)
export type NonceRequest = Static<typeof NonceRequest>

export const NonceResponse = Type.Object(
  {
    nonce: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
    domain: Type.String(),
    scheme: Type.Union([Type.Literal('https'), Type.Literal('http')], {
      description: 'A message without a scheme means https; on an http deployment it must start with http://',
    }),
    uri: Type.String(),
    chainIds: Type.Array(Type.Integer()),
    agentKeys: Type.Object(
      {
        domain: Type.Object({ name: Type.String(), version: Type.String() }),
        origin: Type.String(),
        maxDays: Type.Integer(),
      },
      {
        description:
          'What an agent-key authorization (EIP-712) must name: the domain name and version (chainId: one of chainIds), the origin, and the longest life',
      },
    ),
  },
  { $id: 'NonceResponse' },
)

export const SiweRequest = Type.Object(
  {
    message: Type.String({
      minLength: 1,
      maxLength: 8192,
      description: 'The exact EIP-4361 text that was signed',
    }),
    signature: Type.String({
      minLength: 1,
      maxLength: 1024,
      description: '0x-prefixed 65-byte EIP-191 signature',
    }),
    credential: Type.Optional(
      Type.Union([Type.Literal('token'), Type.Literal('session')], {
        description:
          '`token` (default): access + refresh tokens in the body; `session`: an httpOnly session cookie',
      }),
    ),
  },
  { additionalProperties: false, $id: 'SiweRequest' },
)
export type SiweRequest = Static<typeof SiweRequest>

export const RefreshRequest = Type.Object(
  // Generous on purpose: a wrong token (an access JWT, say) is a 401 of the refresh check, not a 400.
  { refreshToken: Type.String({ minLength: 1, maxLength: 4096 }) },
  { additionalProperties: false, $id: 'RefreshRequest' },
)
export type RefreshRequest = Static<typeof RefreshRequest>

const AccountView = Type.Object({ id: Type.String(), address: Type.String() })

export const TokenResponse = Type.Object(
  {
    accessToken: Type.String(),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer({ description: 'seconds' }),
    refreshToken: Type.String(),
    refreshExpiresIn: Type.Integer({ description: 'seconds' }),
    account: AccountView,
  },
  { $id: 'TokenResponse' },
)

export const SessionCookieResponse = Type.Object(
  { account: AccountView, sessionId: Type.String(), expiresAt: Type.String({ format: 'date-time' }) },
  { $id: 'SessionCookieResponse' },
)

export const RedeemInviteRequest = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false, $id: 'RedeemInviteRequest' },
)
export type RedeemInviteRequest = Static<typeof RedeemInviteRequest>

export const SessionList = Type.Object(
  {
    sessions: Type.Array(
      Type.Object({
        id: Type.String(),
        kind: Type.Union([Type.Literal('token'), Type.Literal('cookie')]),
        current: Type.Boolean(),
        createdAt: Type.String({ format: 'date-time' }),
        lastUsedAt: Type.String({ format: 'date-time' }),
        expiresAt: Type.String({ format: 'date-time' }),
        ip: Type.Optional(Type.String()),
        userAgent: Type.Optional(Type.String()),
      }),
    ),
  },
  { $id: 'SessionList' },
)

/** `GET /v1/auth/audit?limit=N`: a query string is text (no coercion), so the digits are checked here. */
export const AuditQuery = Type.Object(
  { limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|1[0-9]{2}|200)$' })) },
  { additionalProperties: false },
)
export type AuditQuery = Static<typeof AuditQuery>
export const AUDIT_DEFAULT_LIMIT = 50

export const AuditEventList = Type.Object(
  {
    events: Type.Array(
      Type.Object({
        id: Type.Integer(),
        at: Type.String({ format: 'date-time' }),
        type: Type.String(),
        ip: Type.Optional(Type.String()),
        detail: Type.Optional(
          Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
        ),
      }),
    ),
  },
  { $id: 'AuditEventList' },
)

export const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
)
export type IdParams = Static<typeof IdParams>

export const MeResponse = Type.Object(
  {
    account: Type.Object({ id: Type.String(), address: Type.String(), status: Type.String() }),
    credential: Type.Union([
      Type.Literal('jwt'),
      Type.Literal('cookie'),
      Type.Literal('session'),
      Type.Literal('api_key'),
    ]),
    sessionId: Type.Optional(Type.String()),
    apiKeyId: Type.Optional(Type.String()),
    scopes: Type.Array(Type.String()),
  },
  { $id: 'MeResponse' },
)

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
  },
  { $id: 'Problem' },
)

/** Error responses every native route can give, for the OpenAPI document. */
export const problemResponses = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem,
  409: Problem,
  413: Problem,
  415: Problem,
  429: Problem,
  500: Problem,
}

export const iso = (ms: number) => new Date(ms).toISOString()
