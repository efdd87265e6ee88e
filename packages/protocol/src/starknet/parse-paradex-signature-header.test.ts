import { describe, expect, it } from 'vitest'
import { MAX_SIGNATURE_HEADER_LENGTH, parseParadexSignatureHeader } from './parse-paradex-signature-header.js'

// A2's auth signature header (§11), exactly as ccxt sends it.
const R = 2105589238283978953080427307731392135090848422537080262268331518568937875300n
const S = 190964525520992596907203432662760360283918865423507051678346357635921895607n
const HEADER = `["${R}","${S}"]`
const malformed = { ok: false, reason: 'signature_malformed' }

describe('parseParadexSignatureHeader', () => {
  it('default: a JSON array of two decimal strings', () => {
    expect(parseParadexSignatureHeader(HEADER)).toEqual({ ok: true, value: { r: R, s: S } })
  })

  it.each([
    ['surrounding whitespace', ` \t${HEADER}\r\n`],
    ['whitespace between tokens', `[ "${R}" ,\n "${S}" ]`],
    ['0x hex elements', `["0x${R.toString(16)}","0x${S.toString(16).toUpperCase()}"]`],
    ['mixed hex and decimal', `["0x${R.toString(16)}","${S}"]`],
    ['leading zeros (up to 78 digits)', `["00${R}","0${S}"]`],
  ])('behavior: lenient about %s', (_name, text) => {
    expect(parseParadexSignatureHeader(text)).toEqual({ ok: true, value: { r: R, s: S } })
  })

  it('behavior: ranges are not judged here (verifyStarkSignature refuses r = 0)', () => {
    expect(parseParadexSignatureHeader('["0","1"]')).toEqual({ ok: true, value: { r: 0n, s: 1n } })
  })

  it.each([
    ['empty', ''],
    ['empty array', '[]'],
    ['one element', '["1"]'],
    ['three elements', '["1","2","3"]'],
    ['not numbers', '["a","b"]'],
    ['JSON numbers, not strings', '[1,2]'],
    ['empty strings', '["",""]'],
    ['negative', '["-1","2"]'],
    ['exponent', '["1e3","2"]'],
    ['decimal point', '["1.0","2"]'],
    ['escaped digit', '["\\u0031","2"]'],
    ['space inside an element', '[" 1","2"]'],
    ['bare 0x', '["0x","2"]'],
    ['upper-case 0X', '["0X1","2"]'],
    ['65 hex digits', `["0x${'1'.repeat(65)}","2"]`],
    ['79 decimal digits', `["${'1'.repeat(79)}","2"]`],
    ['huge number', `["${'9'.repeat(400)}","2"]`],
    ['object', `{"r":"${R}","s":"${S}"}`],
    ['comma-separated, no brackets', `${R},${S}`],
    ['trailing comma', `["${R}","${S}",]`],
    ['non-breaking space around', `\u00a0${HEADER}`],
    ['two arrays', `${HEADER}${HEADER}`],
    ['10 KiB', ' '.repeat(10_240) + HEADER],
    ['just over the bound', `${HEADER}${' '.repeat(MAX_SIGNATURE_HEADER_LENGTH + 1 - HEADER.length)}`],
  ])('error: %s → signature_malformed', (_name, text) => {
    expect(parseParadexSignatureHeader(text)).toEqual(malformed)
  })

  it('error: a non-string (untyped input) → signature_malformed, without throwing', () => {
    for (const value of [undefined, null, 42, [R.toString(), S.toString()]]) {
      expect(parseParadexSignatureHeader(value as unknown as string)).toEqual(malformed)
    }
  })
})
