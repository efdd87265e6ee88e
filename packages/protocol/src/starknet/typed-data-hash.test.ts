import { computeHashOnElements } from '@scure/starknet'
import { typedData } from 'starknet'
import { describe, expect, it } from 'vitest'
import { toFelt } from './felt.js'
import {
  domainHash,
  foldPedersen,
  hashOnElements,
  messageHash,
  pedersen,
  STARKNET_DOMAIN_TYPE,
  STARKNET_MESSAGE_PREFIX,
  structHash,
  typeHash,
} from './typed-data-hash.js'

const SEPOLIA = 'PRIVATE_SN_POTC_SEPOLIA'
const A2_ACCOUNT = '0x37ff1c9d89a50b3dd3a4f90e020ea80251b09ba28049efbe4f7d3fec2995c4a'
const felt = (name: string) => ({ name, type: 'felt' })
const domainType = [felt('name'), felt('chainId'), felt('version')]

describe('typeHash', () => {
  it('default: starknet_keccak of the encoded type (Paradex §2, §3.2, §4.3)', () => {
    expect(typeHash(STARKNET_DOMAIN_TYPE)).toBe(
      0x98d1932052fc5137543de5ed85b7a88555a4cd1ff5d5bfedb62ed9b9a1f0dbn,
    )
    expect(typeHash('Constant(action:felt)')).toBe(
      0xe84bbcb68e0f7c73a9058ba82b6da9c1ffdc502efcf034e78b0c003c22ecc9n,
    )
    expect(typeHash('Request(method:felt,path:felt,body:felt,timestamp:felt,expiration:felt)')).toBe(
      0x186cdef6b179923c411c13c11b8a825f12bf34203bdda0a984da9d6f2313c2n,
    )
  })

  it('behavior: the result keeps 250 bits, so it is always a felt', () => {
    for (const text of ['', 'a', 'initialize', 'x'.repeat(1000)])
      expect(typeHash(text) < 2n ** 250n).toBe(true)
  })
})

describe('hashOnElements', () => {
  it('default: equals @scure/starknet computeHashOnElements', () => {
    const felts = [1n, 2n, 0x800000000000011000000000000000000000000000000000000000000000000n]
    expect(hashOnElements(felts)).toBe(BigInt(computeHashOnElements(felts) as string))
    expect(hashOnElements([])).toBe(BigInt(computeHashOnElements([]) as string))
  })

  it('behavior: a cached fold over a prefix continues to the same hash', () => {
    const prefix = foldPedersen(0n, [7n, 8n])
    expect(pedersen(foldPedersen(prefix, [9n]), 3n)).toBe(hashOnElements([7n, 8n, 9n]))
  })
})

describe('domainHash', () => {
  it('default: the §11 intermediate constants', () => {
    expect(domainHash({ name: 'Paradex', chainId: SEPOLIA, version: '1' })).toEqual({
      ok: true,
      value: 0x38b9242cb46eb19ff458c80a8f0eda7e8e26d8d6d54a63d9b5ed89750e39ef2n,
    })
    expect(domainHash({ name: 'Paradex', chainId: 'PRIVATE_SN_PARACLEAR_MAINNET', version: '1' })).toEqual({
      ok: true,
      value: 0x6f74f207280b65cf663fb8d7763fac1e7398cd6d7da5d7681dc300ee4278a0an,
    })
    // code-samples' published value for the old Goerli chain id (external check, §11).
    expect(domainHash({ name: 'Paradex', chainId: 'PRIVATE_SN_POTC_GOERLI', version: 1 })).toEqual({
      ok: true,
      value: 3014178702424108121777716632486845591462527404146882043469255095154522182084n,
    })
  })

  it('behavior: version "1" and 1 are the same felt', () => {
    expect(domainHash({ name: 'Paradex', chainId: SEPOLIA, version: 1 })).toEqual(
      domainHash({ name: 'Paradex', chainId: SEPOLIA, version: '1' }),
    )
  })

  it('error: a value that is no felt → felt_invalid', () => {
    expect(domainHash({ name: 'P'.repeat(32), chainId: SEPOLIA, version: '1' })).toEqual({
      ok: false,
      reason: 'felt_invalid',
    })
  })
})

describe('structHash', () => {
  it('default: the §11 Onboarding struct hash (chain-independent)', () => {
    const action = toFelt('Onboarding')
    if (!action.ok) throw new Error('expected ok')
    expect(structHash(typeHash('Constant(action:felt)'), [action.value])).toBe(
      0x17b8886fec9acf38c9a9041e5652af9efd519d25604f4b676c1ca00207a4520n,
    )
  })
})

describe('messageHash', () => {
  it('default: A2 onboarding msgHash (§11), equal to starknet.js getMessageHash', () => {
    const result = messageHash({
      domain: { name: 'Paradex', chainId: SEPOLIA, version: '1' },
      account: A2_ACCOUNT,
      primaryTypeHash: typeHash('Constant(action:felt)'),
      fields: ['Onboarding'],
    })
    const peer = typedData.getMessageHash(
      {
        types: { StarkNetDomain: domainType, Constant: [felt('action')] },
        primaryType: 'Constant',
        domain: { name: 'Paradex', chainId: SEPOLIA, version: '1' },
        message: { action: 'Onboarding' },
      },
      A2_ACCOUNT,
    )
    expect(result).toEqual({
      ok: true,
      value: 0x6c975a8f9d37ee1632ca3b53610d4fd5b9c65121b5c3c9c226050b5a3dab32an,
    })
    expect(result.ok && result.value).toBe(BigInt(peer))
  })

  it('behavior: the outer hash is H([prefix, domain, account, struct])', () => {
    const domain = domainHash({ name: 'n', chainId: 2, version: 3 })
    if (!domain.ok) throw new Error('expected ok')
    const type = typeHash('T(a:felt,b:felt)')
    expect(
      messageHash({
        domain: { name: 'n', chainId: 2, version: 3 },
        account: 5n,
        primaryTypeHash: type,
        fields: [6, 7],
      }),
    ).toEqual({
      ok: true,
      value: hashOnElements([STARKNET_MESSAGE_PREFIX, domain.value, 5n, structHash(type, [6n, 7n])]),
    })
  })

  it('error: an account or a field that is no felt → felt_invalid, before any hashing', () => {
    const domain = { name: 'Paradex', chainId: SEPOLIA, version: '1' }
    const primaryTypeHash = typeHash('Constant(action:felt)')
    expect(messageHash({ domain, account: -1n, primaryTypeHash, fields: [] })).toEqual({
      ok: false,
      reason: 'felt_invalid',
    })
    expect(messageHash({ domain, account: 1n, primaryTypeHash, fields: ['é'] })).toEqual({
      ok: false,
      reason: 'felt_invalid',
    })
  })
})
