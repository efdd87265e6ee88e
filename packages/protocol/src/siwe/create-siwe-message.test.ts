import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { recoverMessageAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { toChecksumAddress } from '../evm/eip55.js'
import { createSiweMessage } from './create-siwe-message.js'
import { parseSiweMessage } from './parse-siwe-message.js'
import type { SiweMessage, SiweMessageFields } from './siwe-message.js'

const load = <T>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../../../../fixtures/siwe/${path}`, import.meta.url), 'utf8')) as T

const DIRS = ['spruceid-siwe-main', 'spruceid-siwe-pr200', 'spruceid-siwe-v3.0.0-beta'] as const

const FIELDS: SiweMessageFields = {
  domain: 'app.example',
  address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
  statement: 'Sign in to app.example',
  uri: 'https://app.example',
  version: '1',
  chainId: 1,
  nonce: 'Jx4kQ2vT9bLp7sRa',
  issuedAt: '2026-01-01T00:00:00.000Z',
}

/** Untyped input, as a JavaScript caller or a JSON vector would pass it. */
const create = (fields: unknown) => createSiweMessage(fields as SiweMessageFields)

function withoutMs(message: SiweMessage): SiweMessageFields {
  const { issuedAtMs: _i, expirationTimeMs: _e, notBeforeMs: _n, ...fields } = message
  return fields
}

describe('createSiweMessage', () => {
  it('default', () => {
    expect(createSiweMessage(FIELDS)).toMatchInlineSnapshot(`
      "app.example wants you to sign in with your Ethereum account:
      0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2

      Sign in to app.example

      URI: https://app.example
      Version: 1
      Chain ID: 1
      Nonce: Jx4kQ2vT9bLp7sRa
      Issued At: 2026-01-01T00:00:00.000Z"
    `)
  })

  it('behavior: every optional field, in ABNF order', () => {
    const text = createSiweMessage({
      ...FIELDS,
      scheme: 'https',
      expirationTime: '2026-01-01T00:10:00Z',
      notBefore: '2026-01-01T00:00:00Z',
      requestId: 'req-1',
      resources: ['ipfs://Qme7ss3ARVgxv6rXqVPiikMJ8u2NLgmgszg13pYrDKEoiu', 'https://app.example/x'],
    })
    expect(text).toMatchInlineSnapshot(`
      "https://app.example wants you to sign in with your Ethereum account:
      0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2

      Sign in to app.example

      URI: https://app.example
      Version: 1
      Chain ID: 1
      Nonce: Jx4kQ2vT9bLp7sRa
      Issued At: 2026-01-01T00:00:00.000Z
      Expiration Time: 2026-01-01T00:10:00Z
      Not Before: 2026-01-01T00:00:00Z
      Request ID: req-1
      Resources:
      - ipfs://Qme7ss3ARVgxv6rXqVPiikMJ8u2NLgmgszg13pYrDKEoiu
      - https://app.example/x"
    `)
  })

  it('behavior: no statement gives three LFs, an empty statement four', () => {
    const { statement: _s, ...noStatement } = FIELDS
    expect(createSiweMessage(noStatement)).toContain(`${FIELDS.address}\n\n\nURI: `)
    expect(createSiweMessage({ ...FIELDS, statement: '' })).toContain(`${FIELDS.address}\n\n\n\nURI: `)
  })

  it('behavior: empty request id and empty resource list are kept', () => {
    expect(createSiweMessage({ ...FIELDS, requestId: '', resources: [] })).toMatch(
      /\nRequest ID: \nResources:$/,
    )
  })

  it.each([
    ['statement with LF', { statement: 'a\nb' }, 'statement_invalid'],
    ['request id injecting a Resources line', { requestId: 'x\nResources:' }, 'round-trip'],
    [
      'resource injecting another resource',
      { resources: ['https://a.example\n- https://b.example'] },
      'round-trip',
    ],
    ['uri injecting a field', { uri: 'https://app.example\nVersion: 1' }, 'unexpected_line'],
    ['missing nonce (would print "undefined")', { nonce: undefined }, 'nonce must be a string'],
    ['missing domain', { domain: undefined }, 'domain must be a string'],
    ['chain id as a string', { chainId: '1' }, 'chainId'],
    ['chain id 1.5', { chainId: 1.5 }, 'chainId'],
    ['chain id -1', { chainId: -1 }, 'chainId'],
    ['chain id NaN', { chainId: Number.NaN }, 'chainId'],
    ['chain id above MAX_SAFE_INTEGER', { chainId: 2 ** 53 }, 'chainId'],
    ['version 2', { version: '2' }, 'version_invalid'],
    ['statement null', { statement: null }, 'statement must be a string'],
    ['resources not an array', { resources: 'https://a.example' }, 'resources'],
    ['lower-case address', { address: FIELDS.address.toLowerCase() }, 'address_not_eip55'],
    ['leap second', { issuedAt: '2016-12-31T23:59:60Z' }, 'issued_at_invalid'],
    ['scheme with ://', { scheme: 'https://' }, 'domain_invalid'],
    ['not an object', null, 'object'],
  ])('error: %s', (_name, patch, message) => {
    const fields = patch === null ? null : { ...FIELDS, ...patch }
    expect(() => create(fields)).toThrow(TypeError)
    expect(() => create(fields)).toThrow(message)
  })

  it('behavior: the parser caps apply (options are shared with parseSiweMessage)', () => {
    const resources = Array.from({ length: 17 }, (_, i) => `https://r${i}.example`)
    expect(() => createSiweMessage({ ...FIELDS, resources })).toThrow('too_many_resources')
    expect(createSiweMessage({ ...FIELDS, resources }, { maxResources: 17 })).toContain(
      '- https://r16.example',
    )
  })
})

for (const dir of DIRS) {
  describe(`${dir}/parsing_negative_objects.json`, () => {
    const vectors = load<Record<string, Record<string, unknown>>>(`${dir}/parsing_negative_objects.json`)
    it.each(Object.entries(vectors))('error: %s', (_name, fields) => {
      expect(() => create(fields)).toThrow(TypeError)
    })
  })

  describe(`${dir}/verification_*.json: the signed text is the canonical serialization`, () => {
    type Vector = Record<string, unknown> & { signature: `0x${string}`; address: string }
    const vectors = {
      ...load<Record<string, Vector>>(`${dir}/verification_positive.json`),
      ...Object.fromEntries(
        Object.entries(load<Record<string, Vector>>(`${dir}/verification_negative.json`)).map(([k, v]) => [
          `negative ${k}`,
          v,
        ]),
      ),
    }
    /** Fields whose dates are impossible (Feb 31): Sigil cannot serialize them. */
    const impossible = new Set([
      'negative invalid issuedAt',
      'negative invalid notBefore',
      'negative invalid expirationTime',
    ])
    /** Signatures that do not verify whatever the text. */
    const badSignature = new Set(['negative malformed signature', 'negative wrong signature'])
    it.each(Object.entries(vectors))('behavior: %s', async (name, vector) => {
      const { signature, time: _t, domainBinding: _d, matchNonce: _m, ...fields } = vector
      if (impossible.has(name)) {
        expect(() => create(fields)).toThrow(TypeError)
        return
      }
      const message = create(fields)
      const recovered = await recoverMessageAddress({ message, signature }).catch(() => 'unrecoverable')
      expect(recovered === vector.address).toBe(!badSignature.has(name))
    })
  })
}

describe('spruceid-siwe-pr200/message_objects.json', () => {
  const vectors = load<Record<string, { msg: Record<string, unknown>; error: string }>>(
    'spruceid-siwe-pr200/message_objects.json',
  )
  it.each(Object.entries(vectors))('behavior: %s', (_name, { msg, error }) => {
    if (error !== 'none') {
      expect(() => create(msg)).toThrow(TypeError)
      return
    }
    const parsed = parseSiweMessage(create(msg))
    expect(parsed.ok && withoutMs(parsed.value)).toEqual(msg)
  })
})

describe('round trip', () => {
  const statementChar = fc.constantFrom(..."abcXYZ019-._~:/?#[]@!$&'()*+,;= ")
  const pchar = fc.oneof(fc.constantFrom(..."aZ9-._~!$&'()*+,;=:@"), fc.constantFrom('%20', '%7E', '%ff'))
  const rfc3339 = fc
    .tuple(
      fc.date({
        min: new Date('0000-01-01T00:00:00Z'),
        max: new Date('9999-12-31T23:59:59Z'),
        noInvalidDate: true,
      }),
      fc.constantFrom('Z', '+00:00', '-05:30', 'z'),
      fc.boolean(),
    )
    .map(([date, offset, millis]) => {
      const iso = date.toISOString()
      return `${millis ? iso.slice(0, -1) : iso.slice(0, 19)}${offset}`
    })
  const host = fc.oneof(
    fc.domain(),
    fc.ipV4(),
    fc.ipV6().map((ip) => `[${ip}]`),
    fc.constant('localhost'),
  )
  const fields: fc.Arbitrary<SiweMessageFields> = fc.record(
    {
      scheme: fc.oneof(fc.constantFrom('https', 'http'), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9+.-]{0,6}$/)),
      domain: fc
        .tuple(host, fc.option(fc.nat({ max: 65535 }), { nil: undefined }))
        .map(([h, port]) => (port === undefined ? h : `${h}:${port}`)),
      address: fc
        .uint8Array({ minLength: 20, maxLength: 20 })
        .map((b) => toChecksumAddress(Buffer.from(b).toString('hex'))),
      statement: fc.string({ unit: statementChar, maxLength: 80 }),
      uri: fc.webUrl({ withQueryParameters: true, withFragments: true }),
      version: fc.constant('1' as const),
      chainId: fc.maxSafeNat(),
      nonce: fc.stringMatching(/^[a-zA-Z0-9]{8,40}$/),
      issuedAt: rfc3339,
      expirationTime: rfc3339,
      notBefore: rfc3339,
      requestId: fc.string({ unit: pchar, maxLength: 20 }),
      resources: fc.array(fc.webUrl({ withQueryParameters: true, withFragments: true }), { maxLength: 5 }),
    },
    { requiredKeys: ['domain', 'address', 'uri', 'version', 'chainId', 'nonce', 'issuedAt'] },
  )

  it('behavior: parseSiweMessage(createSiweMessage(f)) gives back f', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const parsed = parseSiweMessage(createSiweMessage(f))
        if (!parsed.ok) throw new Error(parsed.reason)
        expect(withoutMs(parsed.value)).toEqual(f)
        expect(parsed.value.issuedAtMs).toBe(Date.parse(f.issuedAt.toUpperCase()))
        if (f.expirationTime !== undefined)
          expect(parsed.value.expirationTimeMs).toBe(Date.parse(f.expirationTime.toUpperCase()))
        if (f.notBefore !== undefined)
          expect(parsed.value.notBeforeMs).toBe(Date.parse(f.notBefore.toUpperCase()))
      }),
      { numRuns: 1000 },
    )
  })
})
