import { type Static, Type } from '@sinclair/typebox'

/**
 * Wire schemas of the agent-key routes. The members' grammars (origin, thumbprint, RFC 3339
 * times, scope) are the protocol parser's to judge (AGENT_AUTHORIZATION_INVALID with the member
 * as `detail`); the schema pins the structure, so the OpenAPI document shows what to send.
 */
const text = (maxLength: number, description?: string) =>
  Type.String({ maxLength, ...(description ? { description } : {}) })

const AgentDomain = Type.Object(
  {
    name: text(64, 'agentKeyDomainName ("Sigil" unless configured)'),
    version: text(16, '"1"'),
    chainId: Type.Integer({ minimum: 1, description: 'One of the sign-in chains (siweChainIds)' }),
  },
  { additionalProperties: false },
)

const Signature = Type.String({
  minLength: 1,
  maxLength: 16_400,
  description: "The wallet's EIP-712 signature (0x hex; a contract wallet's may be longer than 65 bytes)",
})

export const AgentKeyAuthorizationRequest = Type.Object(
  {
    authorization: Type.Object(
      {
        domain: AgentDomain,
        message: Type.Object(
          {
            origin: text(300, 'scheme://domain of this server'),
            wallet: text(42, 'The authorizing wallet'),
            agentKey: text(64, 'RFC 7638 SHA-256 thumbprint of publicKey'),
            keyName: text(256),
            scope: text(16, '"read" or "trade"'),
            nonce: text(128, 'From POST /v1/auth/nonce'),
            issuedAt: text(40, 'RFC 3339'),
            expiresAt: text(40, 'RFC 3339, at most agentKeyMaxDays after issuedAt'),
          },
          { additionalProperties: false },
        ),
      },
      {
        additionalProperties: false,
        description: 'The EIP-712 domain and AgentAuthorization message signed',
      },
    ),
    publicKey: Type.Object({}, { description: "The agent's public JWK (OKP Ed25519 or EC P-256)" }),
    signature: Signature,
  },
  { additionalProperties: false, $id: 'AgentKeyAuthorizationRequest' },
)
export type AgentKeyAuthorizationRequest = Static<typeof AgentKeyAuthorizationRequest>

export const AgentKeyRevocationRequest = Type.Object(
  {
    revocation: Type.Object(
      {
        domain: AgentDomain,
        message: Type.Object(
          {
            origin: text(300),
            wallet: text(42),
            keyId: text(128, 'The API key id to revoke'),
            nonce: text(128),
            issuedAt: text(40),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false, description: 'The EIP-712 domain and AgentRevocation message signed' },
    ),
    signature: Signature,
  },
  { additionalProperties: false, $id: 'AgentKeyRevocationRequest' },
)
export type AgentKeyRevocationRequest = Static<typeof AgentKeyRevocationRequest>

export const AgentKeyResponse = Type.Object(
  {
    id: Type.String({ description: 'The API key id: keyid of the agent’s signed requests' }),
    scope: Type.Union([Type.Literal('read'), Type.Literal('trade')]),
    expiresAt: Type.String({ format: 'date-time' }),
    account: Type.Object({ id: Type.String(), address: Type.String() }),
  },
  { $id: 'AgentKeyResponse' },
)
