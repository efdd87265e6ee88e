import { hash } from 'starknet'
import { describe, expect, it } from 'vitest'
import {
  deriveParadexEvmAccountAddress,
  PARADEX_TESTNET_EVM_ACCOUNT_CLASS_HASH,
} from './evm-account-address.js'
import { feltToHex } from './felt.js'

const A2_ETH = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
const evmAccountClassHash = PARADEX_TESTNET_EVM_ACCOUNT_CLASS_HASH

describe('deriveParadexEvmAccountAddress', () => {
  it('default: the §11 EVM vector (A2 eth address, testnet evm class)', () => {
    const result = deriveParadexEvmAccountAddress({ ethAddress: A2_ETH, evmAccountClassHash })
    expect(result.ok && feltToHex(result.value)).toBe(
      '0x42d60b8fbcae07594adc7ff932df23013be8b3f9694ccec64a7fcb75386ad1e',
    )
  })

  it('behavior: agrees with starknet.js calculateContractAddressFromHash on random addresses', () => {
    for (let i = 0; i < 20; i++) {
      const eth = `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(20))).toString('hex')}`
      const expected = hash.calculateContractAddressFromHash(eth, evmAccountClassHash, [3n, eth, 1n], 0)
      const result = deriveParadexEvmAccountAddress({ ethAddress: eth, evmAccountClassHash })
      expect(result.ok && result.value).toBe(BigInt(expected))
    }
  })

  it('behavior: the address case does not matter, the class hash does', () => {
    const lower = deriveParadexEvmAccountAddress({ ethAddress: A2_ETH.toLowerCase(), evmAccountClassHash })
    const mixed = deriveParadexEvmAccountAddress({ ethAddress: A2_ETH, evmAccountClassHash })
    const other = deriveParadexEvmAccountAddress({ ethAddress: A2_ETH, evmAccountClassHash: 1n })
    expect(lower).toEqual(mixed)
    expect(other.ok && mixed.ok && other.value !== mixed.value).toBe(true)
  })

  it('error: a value wider than 20 bytes is not an Ethereum address', () => {
    expect(deriveParadexEvmAccountAddress({ ethAddress: 2n ** 160n, evmAccountClassHash })).toEqual({
      ok: false,
      reason: 'felt_invalid',
    })
  })
})
