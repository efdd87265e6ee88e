import { Type } from '@sinclair/typebox'
import { Seconds } from '../config-schema-kit.js'

/**
 * Accounts and their credentials: the session cookie, invites, API-key and agent-key limits, the
 * console.
 * One group of BaseConfigSchema (config-schema.ts), which keeps the groups in this order.
 */
export const accountSettings = {
  sessionCookieName: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'Session cookie name; default __Host-sigil_session (https) or sigil_session (http).',
    }),
  ),
  sessionCookieMaxAgeSeconds: Seconds(604_800, 'Lifetime of a session cookie (7 days).'),
  sessionCookieSliding: Type.Boolean({
    default: false,
    description: 'Renew the cookie lifetime on use (at most hourly), up to sessionMaxAgeSeconds.',
  }),
  invitesRequired: Type.Boolean({
    default: false,
    description: 'New accounts are pending (no trading) until they redeem an invite code.',
  }),
  apiKeysPerAccountMax: Type.Integer({
    minimum: 1,
    default: 50,
    description: 'Most active API keys per account.',
  }),
  agentKeyMaxDays: Type.Integer({
    minimum: 1,
    maximum: 3650,
    default: 30,
    description:
      'Longest life of an agent key a wallet authorizes with an EIP-712 signature (expiresAt at most this many days after issuedAt).',
  }),
  agentKeyDomainName: Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[\\x20-\\x7e]+$',
    default: 'Sigil',
    description:
      'EIP-712 domain name of agent-key authorizations: what wallets show as the signing app; signatures under another name are refused.',
  }),
  console: Type.Union([Type.Literal('on'), Type.Literal('off')], {
    default: 'on',
    description: 'The web console at /console (sign in with a wallet, sessions, API keys); off: 404.',
  }),
}
