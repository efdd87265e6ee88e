import { type Static, Type } from '@sinclair/typebox'
import { Prefix, Seconds } from '../../../config-schema-kit.js'
import type { ParadexService } from '../../../core/paradex/create-paradex-service.js'
import type { ParadexSubkeyService } from '../../../core/paradex/paradex-subkeys.js'
import type { DialectContext } from '../define-dialect.js'
import { PARADEX_MAIN_KEY_PATHS } from './main-key-paths.js'

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

export const ParadexSettings = Type.Object({
  prefix: Prefix(
    '/paradex',
    'Mount point of the Paradex dialect; "" (the root, as unmodified clients expect) needs native.prefix set.',
  ),
  starknetChainId: Type.String({
    default: 'PRIVATE_SN_POTC_SEPOLIA',
    pattern: '^[\\x20-\\x7e]{1,31}$',
    description: 'starknet_chain_id of the Paradex typed-data domain (a short string).',
  }),
  l1ChainId: Type.String({
    default: '11155111',
    pattern: '^[1-9][0-9]{0,15}$',
    description: 'l1_chain_id published in the Paradex system config (clients derive keys with it).',
  }),
  accountClassHash: Type.String({
    default: '0x41cb0280ebadaa75f996d8d92c6f265f6d040bb3ba442e5f86a554f1765244e',
    pattern: '^0x[0-9a-fA-F]{1,64}$',
    description: 'paraclear_account_hash: account class Paradex addresses derive from (testnet default).',
  }),
  proxyClassHash: Type.String({
    default: '0x3530cc4759d78042f1b543bf797f5f3d647cde0388c33734cf91b7f7b9314a9',
    pattern: '^0x[0-9a-fA-F]{1,64}$',
    description: 'paraclear_account_proxy_hash: proxy class Paradex addresses derive from (testnet default).',
  }),
  jwtTtlSeconds: Seconds(300, 'Lifetime of a JWT from the Paradex /v1/auth (Paradex: 300 s).'),
  wsPingIntervalSeconds: Seconds(55, 'Paradex WebSocket: seconds between pings (Paradex: 55 s).'),
  wsPongTimeoutSeconds: Seconds(5, 'Paradex WebSocket: drop a socket whose pong is this late.'),
  wsMaxSocketsPerIp: Type.Integer({
    minimum: 1,
    default: 64,
    description: 'Paradex WebSockets one client IP may hold open at once.',
  }),
  wsMaxSubscriptions: Type.Integer({
    minimum: 1,
    default: 256,
    description: 'Channels one Paradex WebSocket may be subscribed to at once.',
  }),
  upstreamUrl: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Reverse-proxy mode: authenticated Paradex /v1 requests Sigil does not serve go to this backend (http(s) URL, no credentials, query or fragment).',
    }),
  ),
  upstreamPublicPaths: Type.Array(Type.String({ pattern: PUBLIC_PATH }), {
    default: PARADEX_PUBLIC_PATHS,
    maxItems: 200,
    description:
      'Reverse-proxy mode: GET paths below /v1 forwarded without a credential (market data); {name} matches one segment.',
  }),
  upstreamMainKeyPaths: Type.Array(
    Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$' }),
    {
      default: PARADEX_MAIN_KEY_PATHS,
      maxItems: 200,
      description:
        'Reverse-proxy mode: paths below /v1 (and below them) a Paradex subkey JWT may only read (GET): transfers, settings, key management.',
    },
  ),
  upstreamTimeoutSeconds: Seconds(
    10,
    'Longest wait for the Paradex upstream to connect, to start its answer, and between body chunks.',
  ),
  evmAccountClassHash: Type.String({
    default: '0x073414441639dcd11d1846f287650a00c60c416b9d3ba45d31c651672125b2c2',
    pattern: '^0x[0-9a-fA-F]{1,64}$',
    description:
      'paraclear_evm_account_hash: class the Starknet address of an EVM (v2) account derives from (testnet default).',
  }),
  siweDomain: Type.String({
    default: 'app.testnet.paradex.trade',
    pattern: '^[a-z0-9.-]{1,253}(:[1-9][0-9]{0,4})?$',
    description:
      "Domain a Paradex v2 SIWE message must name (its URI must be https://<domain>); paradex-py signs its environment's app host.",
  }),
  subkeysPerAccountMax: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 20,
    description: 'Active (unrevoked) Paradex subkeys one account may hold at once.',
  }),
  strictReplay: Type.Boolean({
    default: false,
    description:
      'Refuse a second use of a signed Paradex auth message until it expires (off: Paradex accepts replays).',
  }),
})

export type ParadexSettingsValue = Static<typeof ParadexSettings>
export type ParadexContext = DialectContext<
  ParadexSettingsValue,
  ParadexService & { subkeys: ParadexSubkeyService }
>
