import { type EvmCrypto, nobleEvmCrypto } from '@sigil/protocol'
import { describe, expect, it, vi } from 'vitest'
import { assertKnownAnswers } from './assert-known-answers.js'
import { type EvmCryptoPreference, selectEvmCrypto } from './select-evm-crypto.js'

const unavailable = (): Promise<EvmCrypto> => Promise.reject(new Error('addon missing'))

describe('selectEvmCrypto', () => {
  it('default: auto picks native where the addon loads (as here)', async () => {
    expect((await selectEvmCrypto('auto')).name).toBe('native')
  })

  it('behavior: native and noble give what they name', async () => {
    expect((await selectEvmCrypto('native')).name).toBe('native')
    expect(await selectEvmCrypto('noble')).toBe(nobleEvmCrypto)
  })

  it('behavior: noble never tries to load the addon', async () => {
    const loadNative = vi.fn(unavailable)
    expect(await selectEvmCrypto('noble', loadNative)).toBe(nobleEvmCrypto)
    expect(loadNative).not.toHaveBeenCalled()
  })

  it('behavior: auto falls back to noble, silently, when the addon does not load', async () => {
    const log = vi.spyOn(console, 'log')
    const warn = vi.spyOn(console, 'warn')
    const error = vi.spyOn(console, 'error')
    expect(await selectEvmCrypto('auto', unavailable)).toBe(nobleEvmCrypto)
    expect([log, warn, error].map((spy) => spy.mock.calls.length)).toEqual([0, 0, 0])
    vi.restoreAllMocks()
  })

  it('error: native fails loudly when the addon does not load, keeping the cause', async () => {
    const failure = selectEvmCrypto('native', unavailable)
    await expect(failure).rejects.toThrow(/native secp256k1 .* unavailable/)
    await expect(failure).rejects.toMatchObject({ cause: { message: 'addon missing' } })
  })

  it('error: an unknown preference from untyped config is refused', async () => {
    await expect(selectEvmCrypto('fast' as EvmCryptoPreference)).rejects.toThrow(
      /unknown EVM crypto preference/,
    )
  })
})

describe('assertKnownAnswers', () => {
  it('default: both real backends pass', async () => {
    expect(() => assertKnownAnswers(nobleEvmCrypto)).not.toThrow()
    expect(() => assertKnownAnswers({ ...nobleEvmCrypto, name: 'copy' })).not.toThrow()
  })

  it('error: a backend with a wrong hash, wrong recovery or offset-blind hashing is refused', () => {
    const sha3Like: EvmCrypto = { ...nobleEvmCrypto, name: 'sha3', keccak256: () => new Uint8Array(32) }
    expect(() => assertKnownAnswers(sha3Like)).toThrow(/keccak256/)
    const noKey: EvmCrypto = { ...nobleEvmCrypto, name: 'nokey', recoverPublicKey: () => null }
    expect(() => assertKnownAnswers(noKey)).toThrow(/recovery/)
    const offsetBlind: EvmCrypto = {
      ...nobleEvmCrypto,
      name: 'offset-blind',
      keccak256: (data) => nobleEvmCrypto.keccak256(new Uint8Array(data.buffer, 0, data.length)),
    }
    expect(() => assertKnownAnswers(offsetBlind)).toThrow(/address/)
  })
})
