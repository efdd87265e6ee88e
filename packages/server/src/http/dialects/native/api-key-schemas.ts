import { type Static, Type } from '@sinclair/typebox'

/** The fields of a new API key: one contract, which OCX's create-key body shares word for word. */
export const createApiKeyFields = {
  name: Type.String({ minLength: 1, maxLength: 64 }),
  scope: Type.Union([Type.Literal('read'), Type.Literal('trade')]),
  allowedIps: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      maxItems: 50,
      description: 'IPv4/IPv6 addresses and CIDR ranges; empty or absent: any IP',
    }),
  ),
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
}

export const CreateApiKeyRequest = Type.Object(createApiKeyFields, {
  additionalProperties: false,
  $id: 'CreateApiKeyRequest',
})
export type CreateApiKeyRequest = Static<typeof CreateApiKeyRequest>

export const RotateApiKeyRequest = Type.Object(
  {
    gracePeriodSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 86_400,
        description: 'How long the old secret keeps working (default 0)',
      }),
    ),
  },
  { additionalProperties: false, $id: 'RotateApiKeyRequest' },
)
export type RotateApiKeyRequest = Static<typeof RotateApiKeyRequest>

export const ApiKeyView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    scope: Type.Union([Type.Literal('read'), Type.Literal('trade')]),
    allowedIps: Type.Array(Type.String()),
    status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
    masked: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedIp: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ApiKeyView' },
)

export const ApiKeyWithSecret = Type.Composite(
  [ApiKeyView, Type.Object({ secret: Type.String({ description: 'Shown once: store it now' }) })],
  { $id: 'ApiKeyWithSecret' },
)

export const ApiKeyList = Type.Object({ apiKeys: Type.Array(ApiKeyView) }, { $id: 'ApiKeyList' })
