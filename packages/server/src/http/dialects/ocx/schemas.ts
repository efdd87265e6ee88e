import { type Static, Type } from '@sinclair/typebox'
import { createApiKeyFields } from '../native/api-key-schemas.js'

/**
 * OCX's wire shapes (spec/siwe.md §4), as its clients send and read them. Bodies are strict like
 * the native API's: an unknown property is a 400, never silently dropped.
 */
const WalletAddress = Type.String({ pattern: '^0x[0-9a-fA-F]{40}$', description: '20-byte Ethereum address' })
const Time = Type.String({ format: 'date-time' })
const NullableTime = Type.Union([Time, Type.Null()])
const KeyScope = Type.Union([Type.Literal('read'), Type.Literal('trade')])

export const OcxNonceRequest = Type.Object(
  { walletAddress: WalletAddress },
  { additionalProperties: false, $id: 'OcxNonceRequest' },
)
export type OcxNonceRequest = Static<typeof OcxNonceRequest>

export const OcxNonceResponse = Type.Object({ nonce: Type.String() }, { $id: 'OcxNonceResponse' })

export const OcxSiweRequest = Type.Object(
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
  },
  { additionalProperties: false, $id: 'OcxSiweRequest' },
)
export type OcxSiweRequest = Static<typeof OcxSiweRequest>

export const OcxUser = Type.Object(
  { userId: Type.String(), walletAddress: Type.String() },
  { $id: 'OcxUser' },
)

/** `GET /auth/me`: the user, or the literal `null` (with 200) when nobody is signed in. */
export const OcxMeResponse = Type.Union([OcxUser, Type.Null()])

export const OcxLogoutRequest = Type.Object(
  {
    all: Type.Optional(
      Type.Boolean({
        description: "Sigil's extension: `true` ends every session of the account, not just this one",
      }),
    ),
  },
  { additionalProperties: false, $id: 'OcxLogoutRequest' },
)
export type OcxLogoutRequest = Static<typeof OcxLogoutRequest>

export const OcxRedeemInviteRequest = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false, $id: 'OcxRedeemInviteRequest' },
)
export type OcxRedeemInviteRequest = Static<typeof OcxRedeemInviteRequest>

export const OcxCreateApiKeyRequest = Type.Object(createApiKeyFields, {
  additionalProperties: false,
  $id: 'OcxCreateApiKeyRequest',
})
export type OcxCreateApiKeyRequest = Static<typeof OcxCreateApiKeyRequest>

export const OcxCreatedApiKey = Type.Object(
  {
    id: Type.String({ description: '`ocx_kid_` + 16 characters' }),
    secret: Type.String({ description: '`ocx_sk_…`, shown once' }),
    message: Type.String(),
  },
  { $id: 'OcxCreatedApiKey' },
)

export const OcxApiKey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    scope: KeyScope,
    allowedIps: Type.Array(Type.String()),
    expiresAt: NullableTime,
    createdAt: Time,
    revokedAt: NullableTime,
    lastUsedAt: NullableTime,
    lastUsedIp: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
  },
  { $id: 'OcxApiKey' },
)

export const OcxApiKeyList = Type.Object({ keys: Type.Array(OcxApiKey) }, { $id: 'OcxApiKeyList' })

export const OcxKeyIdParams = Type.Object(
  {
    id: Type.String({
      minLength: 1,
      maxLength: 64,
      description: '`ocx_kid_…` (a bare Sigil key id works too)',
    }),
  },
  { additionalProperties: false },
)
export type OcxKeyIdParams = Static<typeof OcxKeyIdParams>

/** OCX's error body; `retryAfterMs` accompanies a 429 as OCX sends it. */
export const OcxError = Type.Object(
  { error: Type.String(), message: Type.String(), retryAfterMs: Type.Optional(Type.Integer()) },
  { $id: 'OcxError' },
)

export const ocxErrorResponses = {
  400: OcxError,
  401: OcxError,
  403: OcxError,
  404: OcxError,
  409: OcxError,
  413: OcxError,
  415: OcxError,
  429: OcxError,
  500: OcxError,
}
