/**
 * Fuzz: the Paradex auth header values as core reads them (parse-starknet-input.ts,
 * paradex-time-window.ts, and the base64 PARADEX-SIWE-MESSAGE of the v2 EVM flow).
 *
 * Contract: any header value (or its absence) is refused with an AuthError carrying the public code
 * a Paradex client expects, never any other exception (which would be a 500); and an accepted value
 * has exactly one spelling, so two header texts never name one account, window or message.
 *
 * Budget: about 7,000 runs, about 1 s on one core.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AuthError } from '../errors.js'
import { decodeSiweHeader } from './check-paradex-siwe.js'
import { checkParadexTimeWindow, MAX_WINDOW_SECONDS } from './paradex-time-window.js'
import { parseEthAddress, parseStarknetAccount, parseStarknetSignature } from './parse-starknet-input.js'

/**
 * Any code point, ASCII-weighted, lone surrogates included: what `unit: 'binary'` gives, without
 * its one-time set-up of about 4 s per test process.
 */
const anyCodePoint = fc
  .oneof(fc.nat({ max: 0x7f }), fc.nat({ max: 0xffff }), fc.nat({ max: 0x10ffff }))
  .map((code) => String.fromCodePoint(code))

/** Runs `read`; a throw must be an AuthError with one of `codes`. Returns the value or undefined. */
function refusedWith<T>(codes: readonly string[], read: () => T): T | undefined {
  try {
    return read()
  } catch (error) {
    // A plain check, not expect(): it runs thousands of times and most inputs are refused.
    if (!(error instanceof AuthError) || !codes.includes(error.code)) throw error
    return undefined
  }
}

const hex = (size: { minLength?: number; maxLength: number }) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), ...size })

/** A header as Node hands it over: absent, or any string (Node refuses CR, LF and NUL itself, but core must not rely on it). */
const headerValue = (...near: fc.Arbitrary<string>[]) =>
  fc.option(
    fc.oneof(fc.string({ unit: anyCodePoint, maxLength: 120 }), fc.string({ maxLength: 40 }), ...near),
    {
      nil: undefined,
    },
  )

describe('Paradex header parsing fuzz', () => {
  it('property: PARADEX-STARKNET-ACCOUNT is refused as STARKNET_ADDRESS_INVALID or has one canonical hex', () => {
    const near = fc
      .tuple(fc.constantFrom('0x', '0x000', '0X', ''), hex({ maxLength: 66 }))
      .map(([p, h]) => p + h)
    fc.assert(
      fc.property(headerValue(near), (text) => {
        const account = refusedWith(['STARKNET_ADDRESS_INVALID'], () => parseStarknetAccount(text))
        if (account === undefined) return
        // Every spelling of the same felt (leading zeros, case) is one account: the hex is canonical.
        expect(account.hex).toBe(`0x${account.felt.toString(16)}`)
        expect(parseStarknetAccount(account.hex)).toEqual(account)
        expect(parseStarknetAccount(text!.toUpperCase().replace('0X', '0x'))).toEqual(account)
      }),
      { numRuns: 2000 },
    )
  })

  it('property: PARADEX-STARKNET-SIGNATURE is refused as STARKNET_SIGNATURE_MALFORMED or read as two integers', () => {
    const near = fc
      .tuple(
        fc.bigInt({ min: 0n, max: 2n ** 256n }),
        fc.bigInt({ min: 0n, max: 2n ** 256n }),
        fc.constantFrom(' ', ''),
      )
      .map(([r, s, w]) => `[${w}"${r}",${w}"${s}"]`)
    fc.assert(
      fc.property(headerValue(near), (text) => {
        const signature = refusedWith(['STARKNET_SIGNATURE_MALFORMED'], () => parseStarknetSignature(text))
        if (signature !== undefined)
          expect(typeof signature.r === 'bigint' && typeof signature.s === 'bigint').toBe(true)
      }),
      { numRuns: 1000 },
    )
  })

  it('property: PARADEX-ETHEREUM-ACCOUNT is absent, refused as VALIDATION_FAILED, or 0x + 40 hex digits as sent', () => {
    const near = hex({ minLength: 38, maxLength: 42 }).map((h) => `0x${h}`)
    fc.assert(
      fc.property(headerValue(near), (text) => {
        const address = refusedWith(['VALIDATION_FAILED'], () => parseEthAddress(text))
        if (address !== undefined) expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/)
      }),
      { numRuns: 1000 },
    )
  })

  it('property: PARADEX-TIMESTAMP / PARADEX-SIGNATURE-EXPIRATION are refused or a canonical, bounded window', () => {
    const nowSeconds = 1_800_000_000
    const seconds = fc.oneof(
      fc
        .integer({ min: nowSeconds - 2 * MAX_WINDOW_SECONDS, max: nowSeconds + 2 * MAX_WINDOW_SECONDS })
        .map(String),
      fc.constantFrom(
        '',
        '0',
        '00',
        '-1',
        '+1800000000',
        '1800000000.0',
        '1e9',
        '0x6b49d200',
        ' 1800000000',
        '9'.repeat(13),
      ),
      fc.nat().map((n) => `0${n}`),
      fc.string({ unit: anyCodePoint, maxLength: 16 }),
    )
    fc.assert(
      fc.property(
        seconds,
        fc.option(seconds, { nil: undefined }),
        fc.nat({ max: 600 }),
        (timestamp, expiration, skew) => {
          const window = refusedWith(['TIMESTAMP_INVALID', 'MESSAGE_EXPIRED'], () =>
            checkParadexTimeWindow({ timestamp, expiration }, nowSeconds * 1000, skew),
          )
          if (window === undefined) return
          // The signed values are hashed as numbers: only their one decimal spelling is accepted.
          expect(String(window.timestamp)).toBe(timestamp)
          if (expiration !== undefined) expect(String(window.expiration)).toBe(expiration)
          expect(window.expiration).toBeGreaterThan(window.timestamp)
          expect(window.expiration - window.timestamp).toBeLessThanOrEqual(MAX_WINDOW_SECONDS)
          expect(window.timestamp).toBeLessThanOrEqual(nowSeconds + skew)
          expect(window.expiration).toBeGreaterThan(nowSeconds)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('property: PARADEX-SIWE-MESSAGE is refused as INVALID_SIWE_MESSAGE or is the one base64 spelling of its text', () => {
    const base64Like = fc.oneof(
      fc.string({ unit: anyCodePoint, maxLength: 80 }).map((t) => Buffer.from(t, 'utf8').toString('base64')),
      fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b).toString('base64')),
      fc.string({ unit: fc.constantFrom(...'ABCQRSTUVWXYZabc0189+/=-_ \n'), maxLength: 40 }),
      // Canonical base64 with its last data character changed: non-zero padding bits.
      fc
        .tuple(
          fc.string({ maxLength: 30 }),
          fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/'),
        )
        .map(([t, c]) => {
          const b64 = Buffer.from(t, 'utf8').toString('base64')
          const last = b64.replace(/=+$/, '').length - 1
          return last < 0 ? b64 : b64.slice(0, last) + c + b64.slice(last + 1)
        }),
      // A byte order mark in front of the text.
      fc.string({ maxLength: 30 }).map((t) => Buffer.from(`\ufeff${t}`, 'utf8').toString('base64')),
    )
    fc.assert(
      fc.property(fc.option(base64Like, { nil: undefined }), (header) => {
        const text = refusedWith(['INVALID_SIWE_MESSAGE'], () => decodeSiweHeader(header))
        if (text === undefined) return
        // The signed bytes are the decoded text: one header spelling per text, nothing dropped.
        expect(Buffer.from(text, 'utf8').toString('base64')).toBe(header)
      }),
      { numRuns: 2000 },
    )
  })

  // Shrunk counterexamples the property above found, kept as fixed cases.
  it.each([
    // "A" is QQ==; Q's low four bits are padding. QR== decoded to "A" too (Node ignores them).
    ['non-zero padding bits', 'QR=='],
    ['non-zero padding bits, one pad', 'QUJ='],
  ])('regression: %s is refused', (_name, header) => {
    expect(refusedWith(['INVALID_SIWE_MESSAGE'], () => decodeSiweHeader(header))).toBeUndefined()
  })

  it('regression: a leading byte order mark is kept, so the SIWE parser refuses it as non-ASCII', () => {
    // TextDecoder drops a leading BOM unless told not to: `77u/` decoded to "" and a BOM in front
    // of a signed message gave a second header for it.
    expect(decodeSiweHeader('77u/')).toBe('\ufeff')
    expect(decodeSiweHeader(Buffer.from('\ufeffx', 'utf8').toString('base64'))).toBe('\ufeffx')
  })
})
