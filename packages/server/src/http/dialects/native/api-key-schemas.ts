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

/** A client's public JWK; its members are checked by the server (JWK_* codes), not by this schema. */
const publicKeyField = (description: string) =>
  Type.Optional(Type.Object({}, { additionalProperties: true, description }))

export const CreateApiKeyRequest = Type.Object(
  {
    ...createApiKeyFields,
    publicKey: publicKeyField(
      'A public JWK (OKP Ed25519 or EC P-256): registers a signed-request key (RFC 9421, docs/signed-requests.md) instead of minting a secret',
    ),
    alg: Type.Optional(
      Type.Literal('hmac-sha256', {
        description:
          'An hmac-sha256 signed-request key (only when the server enables hmacSignedRequests): the shared secret is returned once',
      }),
    ),
  },
  { additionalProperties: false, $id: 'CreateApiKeyRequest' },
)
export type CreateApiKeyRequest = Static<typeof CreateApiKeyRequest>

export const RotateApiKeyRequest = Type.Object(
  {
    gracePeriodSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 86_400,
        description: 'How long the old secret (or public key) keeps working (default 0)',
      }),
    ),
    publicKey: publicKeyField(
      'A signed-request key: its new public JWK (required for such a key, refused for a secret key)',
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
    credential: Type.Union([Type.Literal('secret'), Type.Literal('public-key'), Type.Literal('hmac')], {
      description: '`secret`: a bearer key; `public-key` or `hmac`: a signed-request key (RFC 9421)',
    }),
    masked: Type.String({ description: 'A secret key: `sgl_sk_<id>…<last four>`; a public-key key: its id' }),
    alg: Type.Optional(
      Type.Union([Type.Literal('ed25519'), Type.Literal('ecdsa-p256-sha256'), Type.Literal('hmac-sha256')], {
        description: 'Signed-request keys: the RFC 9421 algorithm every signature must use',
      }),
    ),
    thumbprint: Type.Optional(
      Type.String({ description: 'Public-key keys: RFC 7638 SHA-256 thumbprint of the public JWK' }),
    ),
    publicKey: Type.Optional(
      Type.Object(
        { kty: Type.String(), crv: Type.String(), x: Type.String(), y: Type.Optional(Type.String()) },
        { description: 'Public-key keys: the registered public JWK' },
      ),
    ),
    createdAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedIp: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ApiKeyView' },
)

export const ApiKeyWithSecret = Type.Composite(
  [
    ApiKeyView,
    Type.Object({
      secret: Type.Optional(
        Type.String({ description: 'A secret key: shown once, store it now. Absent for a public-key key.' }),
      ),
    }),
  ],
  { $id: 'ApiKeyWithSecret' },
)

export const ApiKeyList = Type.Object({ apiKeys: Type.Array(ApiKeyView) }, { $id: 'ApiKeyList' })
