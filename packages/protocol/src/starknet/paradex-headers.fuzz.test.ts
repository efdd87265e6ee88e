/**
 * Fuzz: the Starknet text parsers that read Paradex auth headers (PARADEX-STARKNET-ACCOUNT via
 * `parseHexFelt`, PARADEX-STARKNET-SIGNATURE via `parseParadexSignatureHeader`, `public_key` via
 * `parseStarkKey`) and typed-data felts (`toFelt`).
 *
 * Contract: never throw, whatever the string; accept exactly the documented grammar (checked
 * against an independent oracle: a regex for felts, JSON.parse for the signature header); an
 * accepted value has one canonical text (`feltToHex`, decimal) that parses back to the same value.
 *
 * Budget: about 7,000 runs (the 300 stark-key runs do a square root each), under 2 s on one core.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { feltToHex, parseHexFelt, STARK_P, toFelt } from './felt.js'
import { MAX_SIGNATURE_HEADER_LENGTH, parseParadexSignatureHeader } from './parse-paradex-signature-header.js'
import { parseStarkKey } from './parse-stark-key.js'

/**
 * Any code point, ASCII-weighted, lone surrogates included: what `unit: 'binary'` gives, without
 * its one-time set-up of about 4 s per test process.
 */
const anyCodePoint = fc
  .oneof(fc.nat({ max: 0x7f }), fc.nat({ max: 0xffff }), fc.nat({ max: 0x10ffff }))
  .map((code) => String.fromCodePoint(code))

const HEX = '0123456789abcdefABCDEF'
const hexDigits = (max: number) => fc.string({ unit: fc.constantFrom(...HEX), minLength: 0, maxLength: max })
/** Text near the felt grammar: `0x`/`0X` prefixes, leading zeros, up to 70 digits, stray characters. */
const feltLike = fc.oneof(
  fc
    .tuple(fc.constantFrom('0x', '0X', '', 'x', '0x0', '0x00000', '-0x', ' 0x', '+0x'), hexDigits(70))
    .map(([p, d]) => p + d),
  fc.bigInt({ min: 0n, max: 2n ** 256n }).map((n) => `0x${n.toString(16)}`),
  fc.bigInt({ min: STARK_P - 3n, max: STARK_P + 3n }).map((n) => `0x${n.toString(16)}`),
  fc.string({ unit: anyCodePoint, maxLength: 80 }),
  fc.string({ unit: fc.constantFrom(...'0x123abcXG \t\n\u0660\uff10,'), maxLength: 70 }),
)

describe('parseHexFelt fuzz (PARADEX-STARKNET-ACCOUNT)', () => {
  it('property: never throws; accepts exactly 0x + 1..64 hex digits below P, with its numeric value', () => {
    fc.assert(
      fc.property(feltLike, (text) => {
        const parsed = parseHexFelt(text)
        const grammatical = /^0x[0-9a-fA-F]{1,64}$/.test(text)
        expect(parsed.ok).toBe(grammatical && BigInt(text) < STARK_P)
        if (!parsed.ok) return
        expect(parsed.value).toBe(BigInt(text))
        // One canonical text per value: feltToHex, which parses back to the same felt.
        const canonical = feltToHex(parsed.value)
        expect(canonical).toMatch(/^0x(?:0|[1-9a-f][0-9a-f]*)$/)
        expect(parseHexFelt(canonical)).toEqual(parsed)
      }),
      { numRuns: 3000 },
    )
  })
})

describe('toFelt fuzz (typed-data felt fields)', () => {
  it('property: never throws on any string, number or bigint, and a felt is always in [0, P)', () => {
    const input = fc.oneof(
      feltLike,
      fc.string({ maxLength: 40 }),
      fc.double(),
      fc.integer(),
      fc.bigInt({ min: -(2n ** 260n), max: 2n ** 260n }),
    )
    fc.assert(
      fc.property(input, (value) => {
        const felt = toFelt(value)
        if (felt.ok) {
          expect(felt.value >= 0n && felt.value < STARK_P).toBe(true)
        }
      }),
      { numRuns: 2000 },
    )
  })
})

describe('parseParadexSignatureHeader fuzz (PARADEX-STARKNET-SIGNATURE)', () => {
  const ws = fc.string({ unit: fc.constantFrom(' ', '\t', '\r', '\n'), maxLength: 2 })
  const element = fc.oneof(
    fc.bigInt({ min: 0n, max: 2n ** 256n }).map(String),
    fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }).map((n) => `0x${n.toString(16)}`),
    fc.constantFrom('', '-1', '1e3', '0x', '\\u0031', '01', '0X1', ' 1', '1.0', '１'),
    fc.string({ unit: fc.constantFrom(...'0123456789x'), maxLength: 80 }),
  )
  /** Header-like text: brackets, quotes, commas and whitespace, in roughly the right places. */
  const headerLike = fc.oneof(
    fc
      .tuple(
        ws,
        ws,
        element,
        ws,
        ws,
        element,
        ws,
        ws,
        fc.constantFrom('"', '', "'"),
        fc.constantFrom(',', ', ', ';', ''),
      )
      .map(
        ([w1, w2, r, w3, w4, s, w5, w6, q, comma]) =>
          `${w1}[${w2}${q}${r}${q}${w3}${comma}${w4}${q}${s}${q}${w5}]${w6}`,
      ),
    fc.array(element, { maxLength: 4 }).map((items) => JSON.stringify(items)),
    fc.string({ unit: anyCodePoint, maxLength: 200 }),
    fc.string({ unit: fc.constantFrom(...'[]", 0123456789x\t'), maxLength: 120 }),
  )

  it('property: never throws; what it accepts is JSON: an array of exactly two numeric strings, with their values', () => {
    fc.assert(
      fc.property(headerLike, (text) => {
        const parsed = parseParadexSignatureHeader(text)
        if (!parsed.ok) return
        expect(text.length).toBeLessThanOrEqual(MAX_SIGNATURE_HEADER_LENGTH)
        // Differential oracle: whatever the regex takes, JSON takes too, with the same two values.
        const json: unknown = JSON.parse(text)
        expect(Array.isArray(json) && json.length === 2 && json.every((e) => typeof e === 'string')).toBe(
          true,
        )
        const [r, s] = json as [string, string]
        expect([parsed.value.r, parsed.value.s]).toEqual([BigInt(r), BigInt(s)])
        expect(parsed.value.r < 2n ** 256n && parsed.value.s < 2n ** 256n).toBe(true)
        // The canonical spelling (decimal, no whitespace) names the same signature.
        expect(parseParadexSignatureHeader(`["${parsed.value.r}","${parsed.value.s}"]`)).toEqual(parsed)
      }),
      { numRuns: 3000 },
    )
  })

  it('property: every spelling the spec allows (JSON whitespace, decimal or 0x hex) is accepted', () => {
    const value = fc.bigInt({ min: 0n, max: 2n ** 256n - 1n })
    const spelled = value.chain((n) =>
      fc.constantFrom(n.toString(), `0x${n.toString(16)}`).map((t) => [n, t] as const),
    )
    fc.assert(
      fc.property(ws, spelled, ws, ws, spelled, ws, (w0, [r, rText], w1, w2, [s, sText], w3) => {
        const parsed = parseParadexSignatureHeader(`${w0}["${rText}"${w1},${w2}"${sText}"]${w3}`)
        expect(parsed).toEqual({ ok: true, value: { r, s } })
      }),
      { numRuns: 500 },
    )
  })
})

describe('parseStarkKey fuzz (onboarding public_key)', () => {
  it('property: never throws; an accepted key is a strict hex felt', () => {
    fc.assert(
      fc.property(feltLike, (text) => {
        const parsed = parseStarkKey(text)
        if (parsed.ok) expect(parseHexFelt(text)).toEqual(parsed)
      }),
      { numRuns: 300 },
    )
  })
})
