import { warmUpStarknet } from '@sigil/protocol'
import { createParadexService } from '../../../core/paradex/create-paradex-service.js'
import { paradexChannelRules } from '../../../core/paradex/paradex-channels.js'
import {
  createParadexSubkeyService,
  subkeySessionRevocations,
} from '../../../core/paradex/paradex-subkeys.js'
import { defineDialect } from '../define-dialect.js'
import { checkUpstream } from './check-upstream.js'
import { paradexErrors } from './errors.js'
import { paradexRoutes } from './routes.js'
import { ParadexSettings } from './settings.js'
import { paradexUpstreamPolicy } from './upstream-proxy.js'
import { registerParadexWebSocket } from './ws/route.js'

const TESTNET_CHAIN_ID = 'PRIVATE_SN_POTC_SEPOLIA'

/**
 * Paradex: Starknet onboarding and Stark-signed auth (v1), EVM accounts through SIWE (v2), its
 * JSON-RPC WebSocket and, with an upstream, a reverse proxy in front of a trading backend. No SIWE
 * nonces of Sigil's: Paradex messages carry none (core/paradex checks them).
 */
export const paradexDialect = defineDialect({
  id: 'paradex',
  // Its paths start with /v1, as the native API's do: both cannot have the root.
  rootPaths: ['/v1'],
  settings: ParadexSettings,
  core: {
    services: (kit, settings) => ({
      ...createParadexService({
        starknetAccounts: kit.stores.starknetAccounts,
        subkeys: kit.stores.paradexSubkeys,
        signatureUses: kit.stores.signatureUses,
        isolatedAccounts: kit.stores.isolatedAccounts,
        evmCrypto: kit.evmCrypto,
        invites: kit.invites,
        accessTokens: kit.accessTokens,
        audit: kit.audit,
        clock: kit.clock,
        findStatus: async (accountId) => (await kit.findAccount(accountId)).status,
        options: {
          chainId: settings.starknetChainId,
          classHashes: {
            accountClassHash: settings.accountClassHash,
            proxyClassHash: settings.proxyClassHash,
          },
          siwe: {
            domain: settings.siweDomain,
            l1ChainId: Number(settings.l1ChainId),
            issuedAtSkewMs: kit.issuedAtSkewSeconds * 1000,
            evmAccountClassHash: settings.evmAccountClassHash,
          },
          strictReplay: settings.strictReplay,
          tokenTtlSeconds: settings.jwtTtlSeconds,
          timestampSkewSeconds: kit.issuedAtSkewSeconds,
          newAccountStatus: kit.newAccountStatus,
        },
      }),
      subkeys: createParadexSubkeyService({
        store: kit.stores.paradexSubkeys,
        audit: kit.audit,
        clock: kit.clock,
        maxPerAccount: settings.subkeysPerAccountMax,
        endSessions: kit.endSessions,
      }),
    }),
    // A subkey's tokens share one sid, which its revocation ends (core/paradex/paradex-subkeys.ts).
    sessionRevocations: (stores) => subkeySessionRevocations(stores.paradexSubkeys),
    accessTokenTtlSeconds: (settings) => settings.jwtTtlSeconds,
    channels: paradexChannelRules,
    // Pedersen's and the generator's lookup tables take ≈0.2 s to build: at boot, not in the first
    // trader's request.
    warmUp: warmUpStarknet,
  },
  errors: paradexErrors,
  routes: paradexRoutes,
  policy: paradexUpstreamPolicy,
  websockets: registerParadexWebSocket,
  check: (settings, _config, problems) => checkUpstream(settings, problems),
  warnings: (settings) =>
    // Paradex messages carry no server nonce: what is signed for one service with these domain
    // values verifies at every other (Paradex testnet included) until it expires.
    settings.starknetChainId === TESTNET_CHAIN_ID
      ? [
          "paradex.starknetChainId is Paradex testnet's: headers signed for Paradex testnet (or another Sigil on the default) also sign in here; ccxt and the SDK accept any chain id, paradex-py only Paradex's four",
        ]
      : [],
})
