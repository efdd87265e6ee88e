import { Type } from '@sinclair/typebox'

/**
 * Rate limiting: on or off, and each budget (per client IP, per account, server-wide).
 * One group of BaseConfigSchema (config-schema.ts), which keeps the groups in this order.
 */
export const rateLimitSettings = {
  rateLimits: Type.Union([Type.Literal('on'), Type.Literal('off')], {
    default: 'on',
    description:
      'Switch rate limiting off (for upstream limiting or benchmarks); a warning says so at start.',
  }),
  rateLimitSignInPerMinute: Type.Integer({
    minimum: 1,
    default: 300,
    description: 'Sign-in routes (nonce, SIWE, refresh), per client IP.',
  }),
  rateLimitStarknetPerMinute: Type.Integer({
    minimum: 1,
    default: 60,
    description:
      'Starknet onboarding and auth (Stark-curve and Pedersen work: the Paradex dialect), per client IP.',
  }),
  rateLimitStarknetGlobalPerSecond: Type.Integer({
    minimum: 1,
    default: 40,
    description:
      'Starknet onboarding and auth across all clients: past it they are shed (429), so curve math never starves the server.',
  }),
  rateLimitGlobalSharePercent: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 25,
    description:
      'Most of a server-wide budget (rateLimitStarknetGlobalPerSecond) one client (IPv4 address or IPv6 /64) may take per window, in percent.',
  }),
  rateLimitChainRpcPerMinute: Type.Integer({
    minimum: 1,
    default: 30,
    description: 'Sign-in attempts that need a chain node (contract wallets), per client IP.',
  }),
  rateLimitAnonymousPerMinute: Type.Integer({
    minimum: 1,
    default: 120,
    description: 'Other routes without a valid credential, per client IP.',
  }),
  rateLimitAccountPerMinute: Type.Integer({
    minimum: 1,
    default: 600,
    description:
      'Session (cookie, JWT) requests, per account: one budget for its trading sessions, one for read-only ones.',
  }),
  rateLimitApiKeyPerMinute: Type.Integer({
    minimum: 1,
    default: 1200,
    description:
      'API-key requests, per account: one budget shared by its trade keys, another by its read-only keys.',
  }),
}
