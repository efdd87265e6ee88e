import { type Static, Type } from '@sinclair/typebox'

/**
 * Sigil's whole configuration: one schema for defaults, validation, the `SIGIL_*` environment
 * mapping and docs/configuration.md. Sources merge as defaults < config file < environment <
 * command-line flags; every violation is reported at once, naming the key, and the process stops.
 */

const Seconds = (defaultValue: number, description: string, minimum = 1) =>
  Type.Integer({ minimum, default: defaultValue, description })

const ChainIds = (defaultValue: number[], description: string) =>
  Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), {
    minItems: 1,
    default: defaultValue,
    description,
  })

/**
 * A path below `/v1`: lower-case segments that start with a letter or digit (so no `.` or `..`),
 * `{name}` for one segment of any value.
 */
const PUBLIC_PATH = '^[a-z0-9][a-z0-9._-]*(/([a-z0-9][a-z0-9._-]*|\\{[a-z_]+\\}))*$'

/**
 * Paradex's public GET endpoints (ccxt 4.5.84's `public` table): market data that Paradex
 * clients fetch without a token, so they reach the backend unauthenticated. Those Sigil serves
 * itself (`system/config`, `onboarding`, `jwks.json`) are not here.
 */
const PARADEX_PUBLIC_PATHS = [
  'bbo/{market}',
  'bbo/{market}/interactive',
  'funding/data',
  'insurance',
  'markets',
  'markets/history',
  'markets/klines',
  'markets/settlement-price',
  'markets/summary',
  'orderbook/{market}',
  'orderbook/{market}/impact-price',
  'orderbook/{market}/interactive',
  'referrals/config',
  'staking/balance/history/global',
  'staking/config',
  'system/announcements',
  'system/portfolio-margin-config',
  'system/state',
  'system/time',
  'system/volume-tiers',
  'trades',
  'vaults',
  'vaults/analytics',
  'vaults/balance',
  'vaults/config',
  'vaults/history',
  'vaults/positions',
  'vaults/summary',
  'vaults/transfers',
  'xp/fee-config',
  'xp/public-transfers',
  'xp/transfer/{transfer_id}',
]

const Prefix = (defaultValue: string, description: string) =>
  Type.String({ default: defaultValue, pattern: '^(/[A-Za-z0-9._~-]+)*$', description })

export const ConfigSchema = Type.Object(
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
      description: 'sqlite:<path> (embedded default) or sqlite::memory:.',
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
    nonceTtlSeconds: Seconds(300, 'How long a sign-in nonce stays usable.'),
    issuedAtSkewSeconds: Seconds(60, 'How far in the future a SIWE Issued At may be (client clock skew).', 0),
    accessTokenTtlSeconds: Seconds(300, 'Lifetime of an access JWT.'),
    refreshTokenTtlSeconds: Seconds(2_592_000, 'Idle lifetime of a refresh token (30 days).'),
    sessionMaxAgeSeconds: Seconds(7_776_000, 'Absolute lifetime of a session, refreshed or not (90 days).'),
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
    allowedOrigins: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Origins allowed to send cookie-authenticated unsafe requests (CSRF); default: publicUrl.',
    }),
    trustedProxies: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Proxy addresses/CIDRs whose X-Forwarded-For is believed (right to left).',
    }),
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
      description: 'Paradex onboarding and auth (Stark-curve and Pedersen work), per client IP.',
    }),
    rateLimitStarknetGlobalPerSecond: Type.Integer({
      minimum: 1,
      default: 40,
      description:
        'Paradex onboarding and auth across all clients: past it they are shed (429), so curve math never starves the server.',
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
        "Session and JWT requests, per account (one budget shared by all the account's credentials).",
    }),
    dialects: Type.Array(Type.Union([Type.Literal('evedex'), Type.Literal('ocx'), Type.Literal('paradex')]), {
      default: ['evedex', 'ocx', 'paradex'],
      uniqueItems: true,
      description: 'Venue protocols spoken besides the native API.',
    }),
    nativePrefix: Prefix(
      '',
      "Mount point of Sigil's own API (<nativePrefix>/v1/...); move it (e.g. /sigil) to give the root to Paradex.",
    ),
    evedexPrefix: Prefix('/evedex', 'Mount point of the EVEDEX dialect ("" = root).'),
    evedexSiweDomain: Type.Optional(
      Type.String({ minLength: 1, description: 'SIWE domain for EVEDEX clients; default: siweDomain.' }),
    ),
    evedexSiweUri: Type.Optional(
      Type.String({ minLength: 1, description: 'SIWE URI for EVEDEX clients; default: siweUri.' }),
    ),
    evedexChainIds: ChainIds(
      [161803, 16182],
      'Chain ids EVEDEX messages may name (mainnet 161803, demo/dev 16182).',
    ),
    ocxPrefix: Prefix('/ocx', 'Mount point of the OCX dialect ("" = root).'),
    ocxSiweDomain: Type.Optional(
      Type.String({ minLength: 1, description: 'SIWE domain for OCX clients; default: siweDomain.' }),
    ),
    ocxSiweUri: Type.Optional(
      Type.String({ minLength: 1, description: 'SIWE URI for OCX clients; default: siweUri.' }),
    ),
    ocxChainIds: ChainIds([8453, 84532], 'Chain ids OCX messages may name (Base 8453, Base Sepolia 84532).'),
    ocxSessionCookieName: Type.String({
      default: 'astra_session',
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'Name of the OCX session cookie.',
    }),
    ocxMaxExpirationSeconds: Seconds(
      3600,
      'OCX messages must carry an Expiration Time at most this long after Issued At.',
    ),
    paradexPrefix: Prefix(
      '/paradex',
      'Mount point of the Paradex dialect; "" (the root, as unmodified clients expect) needs nativePrefix set.',
    ),
    paradexStarknetChainId: Type.String({
      default: 'PRIVATE_SN_POTC_SEPOLIA',
      pattern: '^[\\x20-\\x7e]{1,31}$',
      description: 'starknet_chain_id of the Paradex typed-data domain (a short string).',
    }),
    paradexL1ChainId: Type.String({
      default: '11155111',
      pattern: '^[1-9][0-9]{0,15}$',
      description: 'l1_chain_id published in the Paradex system config (clients derive keys with it).',
    }),
    paradexAccountClassHash: Type.String({
      default: '0x41cb0280ebadaa75f996d8d92c6f265f6d040bb3ba442e5f86a554f1765244e',
      pattern: '^0x[0-9a-fA-F]{1,64}$',
      description: 'paraclear_account_hash: account class Paradex addresses derive from (testnet default).',
    }),
    paradexProxyClassHash: Type.String({
      default: '0x3530cc4759d78042f1b543bf797f5f3d647cde0388c33734cf91b7f7b9314a9',
      pattern: '^0x[0-9a-fA-F]{1,64}$',
      description:
        'paraclear_account_proxy_hash: proxy class Paradex addresses derive from (testnet default).',
    }),
    paradexJwtTtlSeconds: Seconds(300, 'Lifetime of a JWT from the Paradex /v1/auth (Paradex: 300 s).'),
    paradexWsPingIntervalSeconds: Seconds(55, 'Paradex WebSocket: seconds between pings (Paradex: 55 s).'),
    paradexWsPongTimeoutSeconds: Seconds(5, 'Paradex WebSocket: drop a socket whose pong is this late.'),
    paradexWsMaxSocketsPerIp: Type.Integer({
      minimum: 1,
      default: 64,
      description: 'Paradex WebSockets one client IP may hold open at once.',
    }),
    paradexWsMaxSubscriptions: Type.Integer({
      minimum: 1,
      default: 256,
      description: 'Channels one Paradex WebSocket may be subscribed to at once.',
    }),
    paradexUpstreamUrl: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Reverse-proxy mode: authenticated Paradex /v1 requests Sigil does not serve go to this backend (http(s) URL, no credentials, query or fragment).',
      }),
    ),
    paradexUpstreamPublicPaths: Type.Array(Type.String({ pattern: PUBLIC_PATH }), {
      default: PARADEX_PUBLIC_PATHS,
      maxItems: 200,
      description:
        'Reverse-proxy mode: GET paths below /v1 forwarded without a credential (market data); {name} matches one segment.',
    }),
    paradexUpstreamTimeoutSeconds: Seconds(
      10,
      'Longest wait for the Paradex upstream to connect, to start its answer, and between body chunks.',
    ),
    paradexEvmAccountClassHash: Type.String({
      default: '0x073414441639dcd11d1846f287650a00c60c416b9d3ba45d31c651672125b2c2',
      pattern: '^0x[0-9a-fA-F]{1,64}$',
      description:
        'paraclear_evm_account_hash: class the Starknet address of an EVM (v2) account derives from (testnet default).',
    }),
    paradexSiweDomain: Type.String({
      default: 'app.testnet.paradex.trade',
      pattern: '^[a-z0-9.-]{1,253}(:[1-9][0-9]{0,4})?$',
      description:
        "Domain a Paradex v2 SIWE message must name (its URI must be https://<domain>); paradex-py signs its environment's app host.",
    }),
    paradexStrictReplay: Type.Boolean({
      default: false,
      description:
        'Refuse a second use of a signed Paradex auth message until it expires (off: Paradex accepts replays).',
    }),
    rateLimitApiKeyPerMinute: Type.Integer({
      minimum: 1,
      default: 1200,
      description: "API-key requests: the account's shared budget may reach this higher limit (bots).",
    }),
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

export type ConfigInput = Static<typeof ConfigSchema>
