import fc from 'fast-check'
import { typedData } from 'starknet'
import { describe, expect, it } from 'vitest'
import { feltToHex, STARK_P } from './felt.js'
import {
  PARADEX_AUTH_REQUEST,
  PARADEX_REQUEST_TYPE,
  paradexOnboardingHash,
  paradexRequestHash,
} from './paradex-typed-data.js'
import { structHash, typeHash } from './typed-data-hash.js'

const SEPOLIA = 'PRIVATE_SN_POTC_SEPOLIA'
const MAINNET = 'PRIVATE_SN_PARACLEAR_MAINNET'
// §11 vectors.
const A1_ACCOUNT = '0x72c394aaa3fae59ad7749c856dc18e2a289e83885b80c0da7731290a9163e17'
const A2_ACCOUNT = '0x37ff1c9d89a50b3dd3a4f90e020ea80251b09ba28049efbe4f7d3fec2995c4a'

const felt = (name: string) => ({ name, type: 'felt' })
const domainType = [felt('name'), felt('chainId'), felt('version')]

/** starknet.js's hash of the §4.3 typed data: an independent implementation of the same rules. */
function peerRequestHash(chainId: string, account: string, timestamp: number, expiration: number): bigint {
  return BigInt(
    typedData.getMessageHash(
      {
        types: {
          StarkNetDomain: domainType,
          Request: ['method', 'path', 'body', 'timestamp', 'expiration'].map(felt),
        },
        primaryType: 'Request',
        domain: { name: 'Paradex', chainId, version: '1' },
        message: { method: 'POST', path: '/v1/auth', body: '', timestamp, expiration },
      },
      account,
    ),
  )
}

const auth = (account: string, timestamp: number | string, expiration: number | string, chainId = SEPOLIA) =>
  paradexRequestHash({ chainId, account, ...PARADEX_AUTH_REQUEST, timestamp, expiration })

describe('paradexOnboardingHash', () => {
  it('default: the A1 and A2 onboarding msgHash vectors (§11)', () => {
    expect(paradexOnboardingHash({ chainId: SEPOLIA, account: A2_ACCOUNT })).toEqual({
      ok: true,
      value: 0x6c975a8f9d37ee1632ca3b53610d4fd5b9c65121b5c3c9c226050b5a3dab32an,
    })
    expect(paradexOnboardingHash({ chainId: SEPOLIA, account: A1_ACCOUNT })).toEqual({
      ok: true,
      value: 0x6e7cbfc8b6caf4b1bab34099375de41faf356e49faa269bde1ea600c9ca066en,
    })
  })

  it('behavior: equals starknet.js on another chain id, given as the hex of its short string', () => {
    const mainnetHex = '0x505249564154455f534e5f50415241434c4541525f4d41494e4e4554'
    const peer = typedData.getMessageHash(
      {
        types: { StarkNetDomain: domainType, Constant: [felt('action')] },
        primaryType: 'Constant',
        domain: { name: 'Paradex', chainId: MAINNET, version: '1' },
        message: { action: 'Onboarding' },
      },
      A1_ACCOUNT,
    )
    expect(paradexOnboardingHash({ chainId: mainnetHex, account: BigInt(A1_ACCOUNT) })).toEqual({
      ok: true,
      value: BigInt(peer),
    })
  })

  it('error: an account that is no felt → felt_invalid', () => {
    expect(paradexOnboardingHash({ chainId: SEPOLIA, account: `0x${'f'.repeat(64)}` })).toEqual({
      ok: false,
      reason: 'felt_invalid',
    })
    expect(paradexOnboardingHash({ chainId: 'X'.repeat(32), account: A2_ACCOUNT })).toEqual({
      ok: false,
      reason: 'felt_invalid',
    })
  })
})

describe('paradexRequestHash', () => {
  it('default: the A2 auth vector (§11: timestamp 1700000000, expiration +180)', () => {
    expect(auth(A2_ACCOUNT, 1700000000, 1700000180)).toEqual({
      ok: true,
      value: 0x3e8b176d63cda7a3a0f8b1a3ef02441b3ac411a84061790b6b3284f205c3461n,
    })
  })

  it('default: the A1 auth vector (§11: expiration exactly 7 days later)', () => {
    expect(auth(A1_ACCOUNT, 1700000000, 1700604800)).toEqual({
      ok: true,
      value: 0x236dbd6a9bc4620119cf51817e3699555ccf3064bf282a89855a5ca9c5659b4n,
    })
  })

  it('behavior: the A2 Request struct hash (§11) is the generic structHash of the same fields', () => {
    expect(
      structHash(typeHash(PARADEX_REQUEST_TYPE), [
        0x504f5354n,
        0x2f76312f61757468n,
        0n,
        1700000000n,
        1700000180n,
      ]),
    ).toBe(0x4acf7092bf4176d77e3ddc1033ed44b0d6cdc6420bb64ea328379955122709cn)
  })

  it('behavior: equals starknet.js getMessageHash across chains, accounts and times (cached prefixes)', () => {
    const cases: [string, string, number, number][] = [
      [SEPOLIA, A2_ACCOUNT, 1700000000, 1700000180],
      [MAINNET, A2_ACCOUNT, 1700000000, 1700000180],
      [SEPOLIA, A1_ACCOUNT, 1795313842, 1795400242],
      [MAINNET, '0x1', 0, 604800],
      [SEPOLIA, feltToHex(2n ** 251n), 2 ** 31, 2 ** 32],
    ]
    for (const [chainId, account, timestamp, expiration] of cases) {
      expect(auth(account, timestamp, expiration, chainId)).toEqual({
        ok: true,
        value: peerRequestHash(chainId, account, timestamp, expiration),
      })
    }
  })

  it('behavior: equals starknet.js for random accounts and times, the same second shared by several accounts (struct memo)', () => {
    const account = fc.bigInt({ min: 0n, max: STARK_P - 1n }).map(feltToHex)
    const second = fc.integer({ min: 0, max: 2 ** 40 })
    fc.assert(
      fc.property(
        fc.array(account, { minLength: 1, maxLength: 3 }),
        second,
        fc.nat(86400),
        (accounts, t, window) =>
          accounts.every((a) => {
            const hash = auth(a, t, t + window)
            return hash.ok && hash.value === peerRequestHash(SEPOLIA, a, t, t + window)
          }),
      ),
      { numRuns: 15 },
    )
  })

  it('behavior: header strings and numbers give the same hash (felt rules, §1)', () => {
    expect(auth(A2_ACCOUNT, '1700000000', '1700000180')).toEqual(auth(A2_ACCOUNT, 1700000000, 1700000180))
  })

  it('behavior: a different method, path or body is a different message (not the cached auth prefix)', () => {
    const base = auth(A2_ACCOUNT, 1700000000, 1700000180)
    const other = paradexRequestHash({
      chainId: SEPOLIA,
      account: A2_ACCOUNT,
      method: 'GET',
      path: '/v1/auth',
      body: '',
      timestamp: 1700000000,
      expiration: 1700000180,
    })
    expect(other.ok).toBe(true)
    expect(other).not.toEqual(base)
    expect(auth(A2_ACCOUNT, 1700000000, 1700000180)).toEqual(base)
  })

  it('error: values that are no felts → felt_invalid', () => {
    expect(auth(A2_ACCOUNT, -1, 1700000180)).toEqual({ ok: false, reason: 'felt_invalid' })
    expect(auth(A2_ACCOUNT, 1700000000, 1.5)).toEqual({ ok: false, reason: 'felt_invalid' })
    expect(auth(A2_ACCOUNT, '1'.repeat(80), 1)).toEqual({ ok: false, reason: 'felt_invalid' })
    expect(auth('0x', 1, 2, 'é')).toEqual({ ok: false, reason: 'felt_invalid' })
  })
})
