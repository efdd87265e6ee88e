import { Type } from '@sinclair/typebox'
import { Seconds } from '../config-schema-kit.js'

/**
 * How the process runs: its crypto backend and logs, the limits of HTTP requests, connections and
 * WebSockets, and who may reach its internal routes (publish, metrics) and cookie routes (origins,
 * proxies).
 * One group of BaseConfigSchema (config-schema.ts), which keeps the groups in this order.
 */
export const processSettings = {
  evmCrypto: Type.Union([Type.Literal('auto'), Type.Literal('native'), Type.Literal('noble')], {
    default: 'auto',
    description: 'secp256k1 backend: native libsecp256k1 with @noble fallback (auto), or one of them.',
  }),
  logLevel: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', description: 'Log level.' },
  ),
  bodyLimitBytes: Type.Integer({ minimum: 1024, default: 16_384, description: 'Largest request body.' }),
  webSocketMessageLimitBytes: Type.Integer({
    minimum: 1024,
    default: 16_384,
    description: 'Largest WebSocket message a client may send; a larger one closes the socket (1009).',
  }),
  headersTimeoutSeconds: Seconds(
    10,
    'Longest a client may take to send a request line and headers, from its first byte (an idle new connection too); past it: 408 and the connection is closed.',
  ),
  requestTimeoutSeconds: Seconds(
    30,
    'Longest a client may take to send a whole request, headers and body; past it: 408 and the connection is closed. At least headersTimeoutSeconds.',
  ),
  keepAliveTimeoutSeconds: Seconds(
    72,
    'How long an idle keep-alive connection waits for its next request before it is closed (longer than a load balancer’s own idle timeout).',
  ),
  idleTimeoutSeconds: Seconds(
    120,
    'A connection on which nothing moves either way for this long is closed (a client that stops reading its response, say).',
  ),
  maxConnectionsPerIp: Type.Integer({
    minimum: 0,
    default: 128,
    description:
      'Open connections (WebSockets included) one client may hold, counted by TCP peer (IPv4 address or IPv6 /64); the excess is closed at once. trustedProxies peers are not counted. 0: no cap.',
  }),
  webSocketMaxBufferedBytes: Type.Integer({
    minimum: 65_536,
    default: 4_194_304,
    description:
      'Unsent output a WebSocket may hold for a client that does not read; past it the socket is closed (4008).',
  }),
  webSocketMessagesPerSecond: Type.Integer({
    minimum: 1,
    default: 50,
    description:
      'Messages one WebSocket may send per second (sustained); over it: an error, then close (4029).',
  }),
  webSocketMessageBurst: Type.Integer({
    minimum: 1,
    default: 300,
    description: 'Messages one WebSocket may send at once before webSocketMessagesPerSecond applies.',
  }),
  webSocketMessagesPerSecondPerIp: Type.Integer({
    minimum: 1,
    default: 500,
    description:
      'Messages all WebSockets of one client IP may send per second together (burst: two seconds).',
  }),
  publishToken: Type.Optional(
    Type.String({
      minLength: 32,
      pattern: '^[\\x21-\\x7e]+$',
      description:
        'Bearer token of POST /v1/internal/publish (the backend pushing WebSocket messages); unset: no such route.',
    }),
  ),
  allowedOrigins: Type.Array(Type.String({ minLength: 1 }), {
    default: [],
    description: 'Origins allowed to send cookie-authenticated unsafe requests (CSRF); default: publicUrl.',
  }),
  trustedProxies: Type.Array(Type.String({ minLength: 1 }), {
    default: [],
    description: 'Proxy addresses/CIDRs whose X-Forwarded-For is believed (right to left).',
  }),
  metricsAllowFrom: Type.Array(Type.String({ minLength: 1 }), {
    default: ['127.0.0.0/8', '::1'],
    description:
      'Client addresses/CIDRs that may read /metrics; everyone else gets 404 (unless metricsToken).',
  }),
  metricsToken: Type.Optional(
    Type.String({
      minLength: 16,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'Bearer token that opens /metrics from any address (a scraper elsewhere).',
    }),
  ),
}
