import { type Static, Type } from '@sinclair/typebox'
import { ChainIds, Seconds } from './config-schema-kit.js'
import { ACCESS_VALUES } from './core/policy/route-policy.js'

/**
 * The settings of Sigil itself: with each dialect's own settings (http/dialects/<id>/settings.ts,
 * nested under its id), one schema for defaults, validation, the `SIGIL_*` environment mapping and
 * docs/configuration.md (config.ts assembles it from the registry).
 */

export const BaseConfigSchema = Type.Object(
  {
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
    siweDomain: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Expected SIWE domain (authority); default: host[:port] of publicUrl.',
      }),
    ),
    siweUri: Type.Optional(
      Type.String({ minLength: 1, description: 'Expected SIWE URI; default: origin of publicUrl.' }),
    ),
    siweChainIds: ChainIds([1], 'EIP-155 chain ids a SIWE message may name.'),
    chainRpcUrls: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[1-9][0-9]{0,15}$' }),
        Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2048 }),
        {
          additionalProperties: false,
          description:
            'Chain id → JSON-RPC URL of a node for contract-wallet (EIP-1271/6492) sign-in on that chain; a chain without one signs in EOAs only.',
        },
      ),
    ),
    chainRpcTimeoutSeconds: Seconds(
      3,
      'How long one RPC call of a contract-wallet sign-in may take; past it: 503.',
    ),
    recheckContractWalletsOnRefresh: Type.Boolean({
      default: true,
      description:
        'Re-check a contract wallet (EIP-1271/6492) on its chain at every refresh of its session: a wallet that no longer accepts its sign-in signature (owner changed) loses the session.',
    }),
    nonceTtlSeconds: Seconds(300, 'How long a sign-in nonce stays usable.'),
    issuedAtSkewSeconds: Seconds(
      60,
      'How far in the future a SIWE Issued At, or a signed request’s `created`, may be (client clock skew).',
      0,
    ),
    signatureMaxAgeSeconds: Seconds(
      30,
      'RFC 9421 signed requests: how old a signature’s `created` may be; a signature is accepted once within this window (replay cache).',
    ),
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
    console: Type.Union([Type.Literal('on'), Type.Literal('off')], {
      default: 'on',
      description: 'The web console at /console (sign in with a wallet, sessions, API keys); off: 404.',
    }),
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
    routePolicy: Type.Optional(
      Type.Array(
        Type.Object(
          {
            methods: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
            path: Type.String({ minLength: 1 }),
            access: Type.Union(ACCESS_VALUES.map((access) => Type.Literal(access))),
          },
          { additionalProperties: false },
        ),
        {
          description:
            'Verify endpoint (/v1/verify): rules {methods?, path, access} deciding what a proxied request needs (public, read, trade, session, deny); the first match wins, unnamed paths are denied. Unset: GET/HEAD/OPTIONS need read, other methods trade. Env: JSON text.',
        },
      ),
    ),
    verifyAssertionAudience: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Verify endpoint: when set, a 200 also carries X-Sigil-Assertion, a JWT of 10 s signed with the JWKS key, with this aud (the upstream).',
      }),
    ),
    upstreamUrl: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Reverse-proxy mode: requests Sigil does not serve itself that routePolicy allows go to this backend, with the identity headers (http(s) URL, no credentials, query or fragment).',
      }),
    ),
    upstreamTimeoutSeconds: Seconds(
      10,
      'Reverse-proxy mode: longest wait for the upstream to connect, to start its answer, and between body chunks.',
    ),
    geoBlockedCountries: Type.Array(Type.String({ pattern: '^[A-Za-z]{2}$' }), {
      default: [],
      uniqueItems: true,
      description:
        'ISO 3166-1 alpha-2 codes refused sign-in and authenticated routes (empty: geo blocking off).',
    }),
    geoBlockUnknown: Type.Boolean({
      default: false,
      description: 'Refuse clients whose country no source can tell, as if their country were blocked.',
    }),
    geoCountryHeader: Type.Optional(
      Type.String({
        pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
        description:
          'Header a trusted front proxy sets to the client country (cf-ipcountry, X-Country-Code); believed only from trustedProxies.',
      }),
    ),
    geoIpDatabase: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'CSV of IP ranges to countries (start_ip,end_ip,country: db-ip or ip2location lite), read at start.',
      }),
    ),
  },
  { additionalProperties: false },
)

export type BaseConfigInput = Static<typeof BaseConfigSchema>
