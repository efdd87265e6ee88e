import { shortString as peerShortString } from 'starknet'
import { describe, expect, it } from 'vitest'
import { feltToHex, parseHexFelt, STARK_P, shortString, toFelt, toFelts } from './felt.js'

const invalid = { ok: false, reason: 'felt_invalid' }

describe('toFelt', () => {
  it('default: integers, decimal and hex strings, short strings (Paradex §1, §4.3)', () => {
    expect(toFelt(1700000000)).toEqual({ ok: true, value: 1700000000n })
    expect(toFelt('1700000000')).toEqual({ ok: true, value: 1700000000n })
    expect(toFelt(0x37ffn)).toEqual({ ok: true, value: 0x37ffn })
    expect(toFelt('0x37FF')).toEqual({ ok: true, value: 0x37ffn })
    expect(toFelt('POST')).toEqual({ ok: true, value: 0x504f5354n })
    expect(toFelt('/v1/auth')).toEqual({ ok: true, value: 0x2f76312f61757468n })
    expect(toFelt('Paradex')).toEqual({ ok: true, value: 0x50617261646578n })
    expect(toFelt('Onboarding')).toEqual({ ok: true, value: 0x4f6e626f617264696e67n })
  })

  it('behavior: the chain ids of §1 are short strings', () => {
    expect(toFelt('PRIVATE_SN_POTC_SEPOLIA')).toEqual({
      ok: true,
      value: 0x505249564154455f534e5f504f54435f5345504f4c4941n,
    })
    expect(toFelt('PRIVATE_SN_PARACLEAR_MAINNET')).toEqual({
      ok: true,
      value: 0x505249564154455f534e5f50415241434c4541525f4d41494e4e4554n,
    })
    // paradex-py gives the chain id as the hex of the encoded felt: the same felt.
    expect(toFelt('0x505249564154455f534e5f504f54435f5345504f4c4941')).toEqual(
      toFelt('PRIVATE_SN_POTC_SEPOLIA'),
    )
  })

  it('behavior: the empty string is 0, and "1" is 1 (so body "" and "0" hash the same)', () => {
    expect(toFelt('')).toEqual({ ok: true, value: 0n })
    expect(toFelt('0')).toEqual({ ok: true, value: 0n })
    expect(toFelt('1')).toEqual(toFelt(1))
    expect(toFelt('007')).toEqual({ ok: true, value: 7n })
  })

  it('behavior: strings that are not 0x-hex or decimal are short strings, as §1 reads them', () => {
    expect(toFelt('0x')).toEqual(shortString('0x'))
    expect(toFelt('1e3')).toEqual(shortString('1e3'))
    expect(toFelt('-5')).toEqual(shortString('-5'))
    expect(toFelt(' 12 ')).toEqual(shortString(' 12 '))
    expect(toFelt('0X1f')).toEqual(shortString('0X1f'))
  })

  it('behavior: the bounds of the field are exact', () => {
    expect(toFelt(STARK_P - 1n)).toEqual({ ok: true, value: STARK_P - 1n })
    expect(toFelt(feltToHex(STARK_P - 1n))).toEqual({ ok: true, value: STARK_P - 1n })
    expect(toFelt(0)).toEqual({ ok: true, value: 0n })
    expect(toFelt(Number.MAX_SAFE_INTEGER)).toEqual({ ok: true, value: BigInt(Number.MAX_SAFE_INTEGER) })
  })

  it.each([
    ['P', STARK_P],
    ['P as hex', feltToHex(STARK_P)],
    ['P as decimal', STARK_P.toString()],
    ['2^256 − 1 as hex', `0x${'f'.repeat(64)}`],
    ['negative bigint', -1n],
    ['negative number', -1],
    ['fraction', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['unsafe integer', 2 ** 60],
    ['32 ASCII characters', 'a'.repeat(32)],
    ['non-ASCII', 'café'],
    ['emoji', '🦊'],
    ['300 decimal digits (leading zeros)', `${'0'.repeat(299)}1`],
    ['10 KiB string', 'x'.repeat(10_240)],
  ])('error: %s → felt_invalid', (_name, value) => {
    expect(toFelt(value)).toEqual(invalid)
  })

  it('error: a non-string from untyped JSON → felt_invalid, without throwing', () => {
    for (const value of [undefined, null, true, {}, ['1']]) {
      expect(toFelt(value as unknown as string)).toEqual(invalid)
    }
  })
})

describe('toFelts', () => {
  it('default: encodes every value and keeps the keys', () => {
    expect(toFelts({ method: 'POST', timestamp: '1700000000', body: '' })).toEqual({
      ok: true,
      value: { method: 0x504f5354n, timestamp: 1700000000n, body: 0n },
    })
  })

  it('error: one value that is no felt makes the record felt_invalid', () => {
    expect(toFelts({ a: 1, b: -1 })).toEqual(invalid)
  })
})

describe('shortString', () => {
  it('default: ASCII bytes read big-endian, as starknet.js encodes them', () => {
    for (const text of [
      'StarkNet Message',
      'PRIVATE_SN_POTC_SEPOLIA',
      '/v1/auth',
      'a'.repeat(31),
      '\x00\x7f',
    ]) {
      expect(shortString(text)).toEqual({ ok: true, value: BigInt(peerShortString.encodeShortString(text)) })
    }
    expect(shortString('')).toEqual({ ok: true, value: 0n })
  })

  it('behavior: digits are text here, not numbers', () => {
    expect(shortString('1')).toEqual({ ok: true, value: 0x31n })
  })

  it.each([
    ['32 characters', 'a'.repeat(32)],
    ['non-ASCII', 'é'],
    ['U+0080', '\u0080'],
  ])('error: %s → felt_invalid', (_name, text) => {
    expect(shortString(text)).toEqual(invalid)
  })
})

describe('parseHexFelt', () => {
  it('default: strict 0x hex below P', () => {
    expect(parseHexFelt('0x8857491dd4065910836e3b02bd51c93f1c3c1e2289accb0bc02123555569c1')).toEqual({
      ok: true,
      value: 0x8857491dd4065910836e3b02bd51c93f1c3c1e2289accb0bc02123555569c1n,
    })
    expect(parseHexFelt(`0x${'0'.repeat(63)}1`)).toEqual({ ok: true, value: 1n })
  })

  it.each([
    ['short string', 'abc'],
    ['decimal', '123'],
    ['bare 0x', '0x'],
    ['empty', ''],
    ['65 hex digits', `0x${'0'.repeat(64)}1`],
    ['P', feltToHex(STARK_P)],
    ['space', ' 0x1'],
    ['upper-case prefix', '0X1'],
  ])('error: %s → felt_invalid', (_name, text) => {
    expect(parseHexFelt(text)).toEqual(invalid)
  })
})

describe('feltToHex', () => {
  it('default: lowercase, unpadded, 0x-prefixed', () => {
    expect(feltToHex(0x08857491dd4065910836e3b02bd51c93f1c3c1e2289accb0bc02123555569c1n)).toBe(
      '0x8857491dd4065910836e3b02bd51c93f1c3c1e2289accb0bc02123555569c1',
    )
    expect(feltToHex(0n)).toBe('0x0')
    expect(feltToHex(0xabcn)).toBe('0xabc')
  })
})
