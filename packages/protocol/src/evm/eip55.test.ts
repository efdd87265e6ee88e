import fc from 'fast-check'
import { getAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { addressToBytes, isEip55Address, toChecksumAddress } from './eip55.js'
import { keccak256 } from './keccak256.js'

/** The examples of the EIP-55 text (mixed case, and two whose checksum form is all caps / all lower). */
const EIP55_EXAMPLES = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  '0x52908400098527886E0F7030069857D2E4169EE7',
  '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
  '0xde709f2102306220921060314715629080e2fb77',
  '0x27b1fdb04752bbc536007a920d24acb045561c26',
]

const hex40 = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((bytes) => Buffer.from(bytes).toString('hex'))

describe('toChecksumAddress', () => {
  it('default', () => {
    expect(toChecksumAddress('0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2')).toBe(
      '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
    )
  })
  it.each(EIP55_EXAMPLES)('behavior: EIP-55 example %s', (address) => {
    expect(toChecksumAddress(address.toLowerCase())).toBe(address)
    expect(toChecksumAddress(address.slice(2).toUpperCase())).toBe(address)
  })
  it.each(['', '0x', '0x123', `0x${'g'.repeat(40)}`, `0x${'a'.repeat(41)}`, `1x${'a'.repeat(40)}`])(
    'error: %j',
    (text) => expect(() => toChecksumAddress(text)).toThrow(TypeError),
  )
  it('behavior: agrees with viem getAddress', () => {
    fc.assert(
      fc.property(hex40, (hex) => {
        expect(toChecksumAddress(hex)).toBe(getAddress(`0x${hex}`))
      }),
    )
  })
})

describe('isEip55Address', () => {
  it('default', () => expect(isEip55Address('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2')).toBe(true))
  it.each(EIP55_EXAMPLES)('behavior: EIP-55 example %s', (address) =>
    expect(isEip55Address(address)).toBe(true),
  )
  it.each([
    ['all lower case', '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2'],
    ['all upper case', '0xC02AAA39B223FE8D0A0E5C4F27EAD9083C756CC2'],
    ['one letter flipped', '0xc02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'],
    ['0X prefix', '0XC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'],
    ['no prefix', 'C02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'],
    ['39 hex', '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc'],
    ['41 hex', '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc20'],
    ['non-hex', '0xG02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'],
    ['not a string', 42 as unknown as string],
  ])('error: %s', (_name, text) => expect(isEip55Address(text)).toBe(false))
  it('behavior: only the checksum casing is accepted', () => {
    fc.assert(
      fc.property(hex40, (hex) => {
        const checksum = toChecksumAddress(hex)
        expect(isEip55Address(checksum)).toBe(true)
        const lower = `0x${hex}`
        expect(isEip55Address(lower)).toBe(lower === checksum)
      }),
    )
  })
})

describe('isEip55Address with a plugged-in hash', () => {
  it('behavior: the given hash decides the casing (it is called, not ignored)', () => {
    const address = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'
    expect(isEip55Address(address, keccak256)).toBe(true)
    // All-zero "hash": every letter must be lower case, so only the all-lower spelling passes.
    const zeros = () => new Uint8Array(32)
    expect(isEip55Address(address, zeros)).toBe(false)
    expect(isEip55Address(address.toLowerCase(), zeros)).toBe(true)
  })
  it('error: a hash shorter than 20 bytes fails closed', () => {
    const address = '0x52908400098527886E0F7030069857D2E4169EE7'
    expect(isEip55Address(address, () => new Uint8Array(19).fill(0xff))).toBe(false)
  })
  it('behavior: the hash sees the lower-case ASCII of the 40 digits', () => {
    const seen: string[] = []
    const spy = (data: Uint8Array) => {
      seen.push(Buffer.from(data).toString('latin1'))
      return keccak256(data)
    }
    isEip55Address('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2', spy)
    expect(seen).toEqual(['c02aaa39b223fe8d0a0e5c4f27ead9083c756cc2'])
  })
})

describe('addressToBytes', () => {
  it('default', () => {
    expect(Buffer.from(addressToBytes('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2')).toString('hex')).toBe(
      'c02aaa39b223fe8d0a0e5c4f27ead9083c756cc2',
    )
  })
  it('behavior: case variants are the same identity', () => {
    fc.assert(
      fc.property(hex40, (hex) => {
        const bytes = addressToBytes(`0x${hex}`)
        expect(bytes).toEqual(addressToBytes(`0x${hex.toUpperCase()}`))
        expect(Buffer.from(bytes).toString('hex')).toBe(hex)
      }),
    )
  })
  it.each(['', `${'a'.repeat(40)}`, `0x${'a'.repeat(39)}`, `0x${'z'.repeat(40)}`])('error: %j', (text) => {
    expect(() => addressToBytes(text)).toThrow(TypeError)
  })
})
