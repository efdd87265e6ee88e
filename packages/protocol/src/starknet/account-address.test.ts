import { hash } from 'starknet'
import { describe, expect, it } from 'vitest'
import { deriveParadexAccountAddress, PARADEX_TESTNET_ACCOUNT_CLASS_HASHES } from './account-address.js'
import { feltToHex } from './felt.js'
import { hashOnElements, typeHash } from './typed-data-hash.js'

// §11: official addresses from the tradeparadex/paradex.js tests.
const VECTORS = [
  [
    'A1',
    '0x6474150249eab5cd37f421f36b2750ad8fb226530dcef499bfa21fd73120e18',
    '0x72c394aaa3fae59ad7749c856dc18e2a289e83885b80c0da7731290a9163e17',
  ],
  [
    'A2',
    '0x8857491dd4065910836e3b02bd51c93f1c3c1e2289accb0bc02123555569c1',
    '0x37ff1c9d89a50b3dd3a4f90e020ea80251b09ba28049efbe4f7d3fec2995c4a',
  ],
  [
    'A3',
    '0x160afbb32213cb863af2bd49f633af689c814161323f63b49c004c03f508fc9',
    '0x18610fa9cdb1dd19cc224f137754dc98fc4a2af9bb3a20dc6a15baa1fc1a1f8',
  ],
] as const
const { accountClassHash, proxyClassHash } = PARADEX_TESTNET_ACCOUNT_CLASS_HASHES

describe('deriveParadexAccountAddress', () => {
  it.each(VECTORS)('default: %s official address (§11)', (_name, publicKey, address) => {
    const result = deriveParadexAccountAddress({ publicKey, ...PARADEX_TESTNET_ACCOUNT_CLASS_HASHES })
    expect(result.ok && feltToHex(result.value)).toBe(address)
  })

  it('behavior: the A2 constructor calldata hash (§11) and the initialize selector', () => {
    expect(typeHash('initialize')).toBe(0x79dc0da7c54b95f10aa182ad0a46400db63156920adb65eca2654c0945a463n)
    const publicKey = BigInt(VECTORS[1][1])
    expect(hashOnElements([accountClassHash, typeHash('initialize'), 2n, publicKey, 0n])).toBe(
      0x792d257af0765e73fc4bd6cd894607132a36621168800aa484dde104c79adcdn,
    )
  })

  it('behavior: equals starknet.js calculateContractAddressFromHash, also for other class hashes', () => {
    const publicKey = VECTORS[0][1]
    for (const classes of [
      PARADEX_TESTNET_ACCOUNT_CLASS_HASHES,
      { accountClassHash: 0x1234n, proxyClassHash: 0x5678n },
    ]) {
      const peer = hash.calculateContractAddressFromHash(
        publicKey,
        feltToHex(classes.proxyClassHash),
        [feltToHex(classes.accountClassHash), typeHash('initialize').toString(), '2', publicKey, '0'],
        0,
      )
      expect(deriveParadexAccountAddress({ publicKey, ...classes })).toEqual({
        ok: true,
        value: BigInt(peer),
      })
    }
  })

  it('behavior: the same key under other class hashes is another address (config decides, §3.3)', () => {
    const publicKey = VECTORS[1][1]
    const other = deriveParadexAccountAddress({
      publicKey,
      accountClassHash,
      proxyClassHash: accountClassHash,
    })
    expect(other.ok && feltToHex(other.value)).not.toBe(VECTORS[1][2])
  })

  it('error: a key or class hash that is no felt → felt_invalid', () => {
    const invalid = { ok: false, reason: 'felt_invalid' }
    expect(deriveParadexAccountAddress({ publicKey: -1n, accountClassHash, proxyClassHash })).toEqual(invalid)
    expect(
      deriveParadexAccountAddress({ publicKey: `0x${'f'.repeat(64)}`, accountClassHash, proxyClassHash }),
    ).toEqual(invalid)
    expect(deriveParadexAccountAddress({ publicKey: 1n, accountClassHash: 'é', proxyClassHash })).toEqual(
      invalid,
    )
  })
})
