import { Type } from '@sinclair/typebox'
import { Seconds } from '../config-schema-kit.js'

/**
 * Tokens, sessions and signing keys: lifetimes, the JWT claims and algorithm, the key ring, audit
 * retention, the master key.
 * One group of BaseConfigSchema (config-schema.ts), which keeps the groups in this order.
 */
export const tokenSettings = {
  accessTokenTtlSeconds: Seconds(300, 'Lifetime of an access JWT.'),
  refreshTokenTtlSeconds: Seconds(2_592_000, 'Idle lifetime of a refresh token (30 days).'),
  sessionMaxAgeSeconds: Seconds(7_776_000, 'Absolute lifetime of a session, refreshed or not (90 days).'),
  refreshReuseIntervalSeconds: Seconds(
    10,
    'How long a rotated refresh token presented again returns the same successor instead of revoking the family (two tabs refreshing at once); 0 turns it off.',
    0,
  ),
  jwtAlgorithm: Type.Union([Type.Literal('ES256'), Type.Literal('ES384'), Type.Literal('EdDSA')], {
    default: 'ES256',
    description: 'Signature algorithm of new signing keys.',
  }),
  jwtIssuer: Type.Optional(
    Type.String({ minLength: 1, description: 'JWT iss; default: origin of publicUrl.' }),
  ),
  jwtAudience: Type.Optional(
    Type.String({ minLength: 1, description: 'JWT aud; default: origin of publicUrl.' }),
  ),
  jwtClockToleranceSeconds: Seconds(5, 'Leeway for exp/nbf between replicas.', 0),
  keyRingRefreshSeconds: Seconds(5, 'How often a running server re-reads the signing-key ring.'),
  signingKeyLeadSeconds: Seconds(
    900,
    'How long `sigil keys rotate` publishes the next signing key in the JWKS before it signs; at least the JWKS cache lifetime (60 s) plus keyRingRefreshSeconds.',
  ),
  auditRetentionDays: Type.Integer({
    minimum: 0,
    default: 90,
    description:
      'Audit events older than this many days are deleted by the periodic sweep; 0 keeps them forever.',
  }),
  masterKey: Type.Optional(
    Type.String({
      pattern: '^(?:[0-9a-fA-F]{64}|[A-Za-z0-9_-]{43}=?)$',
      description: '32-byte key (64 hex chars or base64url) that encrypts signing keys at rest.',
    }),
  ),
}
