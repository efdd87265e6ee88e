import { type Static, type TSchema, Type } from '@sinclair/typebox'

/**
 * Wire schemas of the EVEDEX auth API, after their OpenAPI ("EVEDEX - Auth", auth-api.evedex.com).
 * Fields Sigil has no use for are accepted where EVEDEX accepts them and ignored; every body
 * rejects unknown properties (SignUpBody declares that; see docs/dialects.md for the others).
 */
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const oneOf = <const V extends string[]>(...values: V) => Type.Union(values.map((v) => Type.Literal(v)))
const text = () => Type.Optional(Type.String())
const strict = { additionalProperties: false } as const

// Nested objects are as open as EVEDEX declares them; only the bodies themselves are closed.
const Utm = Type.Object({ source: text(), medium: text(), campaign: text(), term: text(), content: text() })
const Tracking = Type.Object({
  params: Type.Object(
    {},
    {
      propertyNames: { type: 'string', maxLength: 64 },
      additionalProperties: Type.String({ maxLength: 512 }),
    },
  ),
})

export const NonceResponse = Type.Object({ nonce: Type.String() })

export const SignUpBody = Type.Object(
  {
    wallet: Type.String({ description: 'Must be the address of the signed message' }),
    message: Type.String({ maxLength: 8192, description: 'The exact EIP-4361 text that was signed' }),
    signature: Type.String({ minLength: 1, maxLength: 1024 }),
    nonce: Type.String({ minLength: 1, description: 'Must be the nonce of the signed message' }),
    name: text(),
    referralCode: Type.Optional(nullable(Type.String())),
    source: text(),
    method: Type.Optional(oneOf('email', 'google', 'apple', 'wallet', 'telegram', 'twitter')),
    userId: Type.Optional(Type.String({ format: 'uuid' })),
    type: Type.Optional(oneOf('user', 'autotest')),
    utm: Type.Optional(Utm),
    tracking: Type.Optional(Tracking),
    twofa: Type.Optional(Type.Object({ code: Type.String() })),
    fingerprint: text(),
    visitorId: text(),
    walletSource: Type.Optional(oneOf('evedex', 'evedex_mobile_create', 'evedex_mobile_import')),
  },
  strict,
)
export type SignUpBody = Static<typeof SignUpBody>

/** `noCookieReplace` steers EVEDEX's cookies; Sigil's EVEDEX dialect sets none, so it changes nothing. */
export const CookieQuery = Type.Object({
  noCookieReplace: Type.Optional(oneOf('yes', 'no', '')),
})

export const RefreshBody = Type.Object(
  { utm: Type.Optional(Utm), tracking: Type.Optional(Tracking), visitorId: text() },
  strict,
)

const Digits = Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' }))
export const PageQuery = Type.Object({
  limit: Digits,
  offset: Digits,
  withDisabled: text(),
})
export type PageQuery = Static<typeof PageQuery>
export const ApiKeyListQuery = Type.Object({
  limit: Digits,
  offset: Digits,
  withDeleted: text(),
  withExpired: text(),
})
export type ApiKeyListQuery = Static<typeof ApiKeyListQuery>

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, strict)
export type IdParams = Static<typeof IdParams>

const ApiKeyScope = oneOf('partner', 'exchange')
export const ApiKeyCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    expireAt: Type.Optional(nullable(Type.String({ format: 'date-time' }))),
    scopes: Type.Optional(Type.Array(ApiKeyScope, { maxItems: 2, uniqueItems: true })),
  },
  strict,
)
export type ApiKeyCreateBody = Static<typeof ApiKeyCreateBody>

export const ApiKeySecret = Type.Object({
  id: Type.String(),
  expireAt: nullable(Type.String()),
  apiKey: Type.String({ description: 'Shown once: store it now' }),
})

export const ApiKeyList = Type.Object({
  list: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      mask: Type.String(),
      isArchived: Type.Boolean(),
      expireAt: nullable(Type.String()),
      createdAt: Type.String(),
      updatedAt: nullable(Type.String()),
      deletedAt: nullable(Type.String()),
      settings: Type.Object({ scopes: Type.Array(ApiKeyScope) }),
    }),
  ),
  count: Type.Number(),
})

export const User = Type.Object({
  id: Type.String({ format: 'uuid' }),
  avatar: nullable(Type.String()),
  cover: nullable(Type.String()),
  wallet: Type.String(),
  role: Type.Literal('user'),
  name: nullable(Type.String()),
  status: nullable(Type.String()),
  description: nullable(Type.String()),
  email: nullable(Type.String()),
  locale: Type.String(),
  telegramProfile: Type.Null(),
  discordId: nullable(Type.String()),
  discordName: nullable(Type.String()),
  mobilePushEnabled: Type.Boolean(),
  referralCode: nullable(Type.String()),
  smartAccountsList: Type.Array(
    Type.Object({
      network: Type.String(),
      address: Type.String(),
      version: Type.Number(),
      isDeployed: Type.Boolean(),
    }),
  ),
  signUpMethod: Type.Literal('wallet'),
  platform: Type.Null(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastSignInAt: nullable(Type.String()),
  subscriptionStatus: Type.Literal('none'),
  privilegiesType: Type.Null(),
  type: Type.Literal('user'),
  accountType: Type.Literal('main'),
  accountStatus: oneOf('active', 'inactive'),
  parent: Type.Null(),
  isArchived: Type.Boolean(),
  twofa: Type.Boolean(),
  permissions: Type.Array(Type.String()),
  subscriptionEndedAt: Type.Null(),
})
export type User = Static<typeof User>

export const Auth = Type.Object({
  user: User,
  token: Type.Object({ accessToken: Type.String(), refreshToken: Type.String() }),
})

export const SessionList = Type.Object({
  list: Type.Array(
    Type.Object({
      id: Type.String(),
      user: Type.String(),
      createdAt: Type.String(),
      country: Type.String(),
      city: Type.String(),
      ipAddress: Type.String(),
      userAgentInfo: Type.String(),
      refreshTokenId: Type.Null(),
      language: Type.Null(),
      referrer: Type.Null(),
    }),
  ),
  count: Type.Number(),
})

export const Empty = Type.Object({})

const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  message: Type.String(),
  error: Type.String(),
  code: Type.String({ description: "Sigil's stable error code (docs/errors.md)" }),
  detail: Type.Optional(Type.String()),
})
/** Error responses every EVEDEX route can give, for the OpenAPI document. */
export const errorResponses = Object.fromEntries(
  [400, 401, 403, 404, 409, 413, 415, 429, 500].map((status) => [status, ErrorBody]),
)
