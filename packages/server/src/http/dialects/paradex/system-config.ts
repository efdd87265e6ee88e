import type { ParadexSettingsValue } from './settings.js'

/**
 * `GET /v1/system/config` (Paradex §6): the fields clients read. ccxt needs the chain ids and
 * class hashes (it derives addresses with them); @paradex/sdk also reads `bridged_tokens` (an
 * array), the RPC URL, `paraclear_address` and `paraclear_decimals`; `l1_chain_id` is a string.
 * Values Sigil has no use for are Paradex's testnet ones, or empty: no fullnode RPC is served yet.
 */
export function paradexSystemConfig(settings: ParadexSettingsValue) {
  return {
    starknet_gateway_url: '',
    starknet_fullnode_rpc_url: '',
    starknet_fullnode_rpc_base_url: '',
    starknet_chain_id: settings.starknetChainId,
    block_explorer_url: '',
    paraclear_address: '0x286003f7c7bfc3f94e8f0af48b48302e7aee2fb13c23b141479ba00832ef2c6',
    paraclear_decimals: 8,
    paraclear_account_proxy_hash: settings.proxyClassHash,
    paraclear_account_hash: settings.accountClassHash,
    // paradex-py derives EVM (v2) account addresses from it.
    paraclear_evm_account_hash: settings.evmAccountClassHash,
    oracle_address: '0x0',
    bridged_tokens: [],
    l1_core_contract_address: '0x0',
    l1_operator_address: '0x0',
    l1_chain_id: settings.l1ChainId,
    liquidation_fee: '0.2',
  }
}
