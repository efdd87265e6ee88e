import { Type } from '@sinclair/typebox'

/**
 * Where Sigil listens, the origin its clients use, and its stores (database, Redis).
 * One group of BaseConfigSchema (config-schema.ts), which keeps the groups in this order.
 */
export const serverSettings = {
  host: Type.String({ default: '127.0.0.1', minLength: 1, description: 'Interface to listen on.' }),
  port: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 8080,
    description: 'TCP port (0: any free port).',
  }),
  publicUrl: Type.Optional(
    Type.String({
      description: 'Origin clients use to reach Sigil; default http://localhost:<port>. SIWE binds to it.',
    }),
  ),
  databaseUrl: Type.String({
    default: 'sqlite:./data/sigil.db',
    minLength: 1,
    description:
      'sqlite:<path> (embedded default), sqlite::memory:, or postgres://user@host:port/db (replicas; run `sigil migrate` first).',
  }),
  databasePoolMax: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 10,
    description: 'PostgreSQL: most connections one process holds open.',
  }),
  redisUrl: Type.Optional(
    Type.String({
      pattern: '^rediss?://',
      description:
        'redis://host:port[/db]: nonces, rate-limit counters, strict-replay claims, revocations and WebSocket pushes shared by every replica.',
    }),
  ),
  redisKeyPrefix: Type.String({
    default: 'sigil:',
    pattern: '^[A-Za-z0-9:_.-]{1,64}$',
    description: 'Prefix of every Redis key and channel Sigil uses (several deployments on one Redis).',
  }),
}
