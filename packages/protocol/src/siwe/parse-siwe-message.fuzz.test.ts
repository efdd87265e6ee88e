/**
 * Fuzz: the EIP-4361 parser and its canonical serializer, over messages built from the ABNF itself
 * and over mutations of those and of the spruceid conformance vectors.
 *
 * Contract under test: `parseSiweMessage` never throws; `createSiweMessage` ∘ `parseSiweMessage` is
 * the identity on every accepted text (the parser is canonical: no two texts are one message); and
 * `parseSiweMessage` ∘ `createSiweMessage` is the identity on every valid message. The vectors
 * themselves are checked in parse-siwe-message.vectors.test.ts; here they only seed mutations, and
 * one test shows the generators reach every grammar feature the vectors use.
 *
 * Budget: about 6,500 runs in all, 1 to 3 s on one idle core (fixed seeds are not used: every run
 * explores new inputs; a failure prints its seed and shrunk counterexample to replay).
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toChecksumAddress } from '../evm/eip55.js'
import { createSiweMessage } from './create-siwe-message.js'
import { parseSiweMessage } from './parse-siwe-message.js'
import { parseAuthority } from './rfc3986.js'
import type { SiweMessage, SiweMessageFields } from './siwe-message.js'

/**
 * Any code point, ASCII-weighted, lone surrogates included: what `unit: 'binary'` gives, without
 * its one-time set-up of about 4 s per test process.
 */
const anyCodePoint = fc
  .oneof(fc.nat({ max: 0x7f }), fc.nat({ max: 0xffff }), fc.nat({ max: 0x10ffff }))
  .map((code) => String.fromCodePoint(code))

// ---------------------------------------------------------------------------------------------
// Generators, one per ABNF rule (RFC 3986, RFC 3339, EIP-4361).

const chars = (set: string) => fc.constantFrom(...set)
const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
const DIGIT = '0123456789'
const HEX = '0123456789abcdefABCDEF'
const UNRESERVED = `${ALPHA}${DIGIT}-._~`
const SUB_DELIMS = "!$&'()*+,;="
const STATEMENT = `${UNRESERVED}:/?#[]@${SUB_DELIMS} `

const pctEncoded = fc.tuple(chars(HEX), chars(HEX)).map(([a, b]) => `%${a}${b}`)
const charsOrPct = (set: string, maxLength: number, minLength = 0) =>
  fc
    .array(fc.oneof({ weight: 6, arbitrary: chars(set) }, { weight: 1, arbitrary: pctEncoded }), {
      minLength,
      maxLength,
    })
    .map((parts) => parts.join(''))

const scheme = fc
  .tuple(chars(ALPHA), fc.string({ unit: chars(`${ALPHA}${DIGIT}+-.`), maxLength: 8 }))
  .map(([first, rest]) => first + rest)
const decOctet = fc.oneof(
  fc.nat({ max: 255 }).map(String),
  // Leading zeros: the IPv6 tail admits them (see rfc3986.ts), a top-level host reads them as reg-name.
  fc.nat({ max: 255 }).map((n) => String(n).padStart(3, '0')),
)
const ipv4 = fc.tuple(decOctet, decOctet, decOctet, decOctet).map((octets) => octets.join('.'))
const h16 = fc.string({ unit: chars(HEX), minLength: 1, maxLength: 4 })
/** The nine RFC 3986 IPv6address forms: n groups, an optional `::` among them, an optional IPv4 tail. */
const ipv6 = fc
  .tuple(fc.boolean(), fc.nat({ max: 8 }), fc.array(h16, { minLength: 8, maxLength: 8 }), ipv4)
  .chain(([compressed, at, groups, tail]) =>
    fc.boolean().map((withTail) => {
      const size = withTail ? 6 : 8
      if (!compressed) return withTail ? `${groups.slice(0, 6).join(':')}:${tail}` : groups.join(':')
      const left = groups.slice(0, Math.min(at, size - 1))
      const right = groups.slice(left.length + 1, size)
      const rightText = withTail ? [...right, tail].join(':') : right.join(':')
      return `${left.join(':')}::${rightText}`
    }),
  )
const ipvFuture = fc
  .tuple(
    fc.string({ unit: chars(HEX), minLength: 1, maxLength: 2 }),
    fc.string({ unit: chars(`${UNRESERVED}${SUB_DELIMS}:`), minLength: 1, maxLength: 8 }),
  )
  .map(([version, rest]) => `v${version}.${rest}`)
const host = fc.oneof(
  fc.domain(),
  fc.constant('localhost'),
  ipv4,
  ipv6.map((ip) => `[${ip}]`),
  ipvFuture.map((ip) => `[${ip}]`),
  charsOrPct(`${UNRESERVED}${SUB_DELIMS}`, 12, 1),
)
const authority = fc
  .tuple(
    fc.option(charsOrPct(`${UNRESERVED}${SUB_DELIMS}:`, 10), { nil: undefined }),
    host,
    fc.option(fc.oneof(fc.nat({ max: 65535 }).map(String), fc.constant('')), { nil: undefined }),
  )
  .map(
    ([userinfo, h, port]) =>
      `${userinfo === undefined ? '' : `${userinfo}@`}${h}${port === undefined ? '' : `:${port}`}`,
  )
const pcharSet = `${UNRESERVED}${SUB_DELIMS}:@`
const segment = charsOrPct(pcharSet, 8)
const path = fc.array(segment, { maxLength: 4 }).map((segments) => segments.map((s) => `/${s}`).join(''))
const queryOrFragment = charsOrPct(`${pcharSet}/?`, 12)
/** `URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]`, with and without an authority. */
const uri = fc
  .tuple(
    fc.oneof(fc.constantFrom('https', 'http', 'did', 'urn', 'ipfs'), scheme),
    fc.oneof(
      fc.tuple(authority, path).map(([a, p]) => `//${a}${p}`),
      path.filter((p) => !p.startsWith('//')), // path-absolute / path-empty ("//" would start an authority)
      fc.tuple(charsOrPct(pcharSet, 8, 1), path).map(([first, p]) => first + p), // path-rootless
    ),
    fc.option(queryOrFragment, { nil: undefined }),
    fc.option(queryOrFragment, { nil: undefined }),
  )
  .map(
    ([s, hier, query, fragment]) =>
      `${s}:${hier}${query === undefined ? '' : `?${query}`}${fragment === undefined ? '' : `#${fragment}`}`,
  )
const two = (n: number) => String(n).padStart(2, '0')
/** RFC 3339 date-time, every optional part: fraction (any length), offsets, lower-case t and z. */
const dateTime = fc
  .tuple(
    fc.date({
      min: new Date('0000-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    }),
    fc.constantFrom('T', 't'),
    fc.option(fc.string({ unit: chars(DIGIT), minLength: 1, maxLength: 9 }), { nil: undefined }),
    fc.oneof(
      fc.constantFrom('Z', 'z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.nat({ max: 23 }), fc.nat({ max: 59 }))
        .map(([sign, h, m]) => `${sign}${two(h)}:${two(m)}`),
    ),
  )
  .map(([date, t, fraction, offset]) => {
    const iso = date.toISOString() // ±YYYYYY is out of range: the bounds above keep 4-digit years
    return `${iso.slice(0, 10)}${t}${iso.slice(11, 19)}${fraction === undefined ? '' : `.${fraction}`}${offset}`
  })
const address = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((bytes) => toChecksumAddress(Buffer.from(bytes).toString('hex')))

const fields: fc.Arbitrary<SiweMessageFields> = fc.record(
  {
    scheme,
    domain: authority.filter((a) => parseAuthority(a)?.host !== ''),
    address,
    statement: fc.string({ unit: chars(STATEMENT), maxLength: 80 }),
    uri,
    version: fc.constant('1' as const),
    chainId: fc.oneof(fc.nat({ max: 100_000 }), fc.maxSafeNat()),
    nonce: fc.string({ unit: chars(`${ALPHA}${DIGIT}`), minLength: 8, maxLength: 128 }),
    issuedAt: dateTime,
    expirationTime: dateTime,
    notBefore: dateTime,
    requestId: segment,
    resources: fc.array(uri, { maxLength: 16 }),
  },
  { requiredKeys: ['domain', 'address', 'uri', 'version', 'chainId', 'nonce', 'issuedAt'] },
)

// ---------------------------------------------------------------------------------------------
// The conformance vectors' accepted texts: mutation seeds, and the grammar the generators must reach.

const load = <T>(file: string): T =>
  JSON.parse(readFileSync(new URL(`../../../../fixtures/siwe/${file}`, import.meta.url), 'utf8')) as T
const vectorTexts: string[] = [
  ...['spruceid-siwe-main', 'spruceid-siwe-pr200', 'spruceid-siwe-v3.0.0-beta'].flatMap((dir) =>
    Object.values(load<Record<string, { message: string }>>(`${dir}/parsing_positive.json`)).map(
      (v) => v.message,
    ),
  ),
  ...['valid_uris', 'valid_resources', 'valid_specification'].flatMap((name) =>
    Object.values(load<Record<string, { msg: string }>>(`spruceid-siwe-pr200/${name}.json`)).map(
      (v) => v.msg,
    ),
  ),
]

function parsed(text: string): SiweMessage {
  const result = parseSiweMessage(text)
  if (!result.ok) throw new Error(`rejected (${result.reason}): ${JSON.stringify(text)}`)
  return result.value
}

/** The grammar features a message uses: which optional parts, which host and URI forms. */
function features(message: SiweMessage): Set<string> {
  const found = new Set<string>()
  const add = (name: string, present: boolean) => {
    if (present) found.add(name)
  }
  const uriFeatures = (prefix: string, text: string) => {
    const hier = text.slice(text.indexOf(':') + 1)
    add(`${prefix}:authority`, hier.startsWith('//'))
    add(`${prefix}:no-authority`, !hier.startsWith('//'))
    add(`${prefix}:query`, text.includes('?'))
    add(`${prefix}:fragment`, text.includes('#'))
    add(`${prefix}:pct`, text.includes('%'))
    add(`${prefix}:ip-literal`, hier.startsWith('//') && /^\/\/(?:[^/@]*@)?\[/.test(hier))
    add(`${prefix}:userinfo`, hier.startsWith('//') && /^\/\/[^/]*@/.test(hier))
  }
  add('scheme', message.scheme !== undefined)
  const domain = parseAuthority(message.domain)!
  add('domain:userinfo', domain.userinfo !== undefined)
  add('domain:port', domain.port !== undefined && domain.port !== '')
  add('domain:empty-port', domain.port === '')
  add('domain:ipv6', domain.host.startsWith('[v') === false && domain.host.startsWith('['))
  add('domain:ipvfuture', /^\[v/i.test(domain.host))
  add('domain:ipv4', /^\d+\.\d+\.\d+\.\d+$/.test(domain.host))
  add('domain:pct', message.domain.includes('%'))
  add('statement:absent', message.statement === undefined)
  add('statement:empty', message.statement === '')
  add('statement:text', (message.statement ?? '') !== '')
  uriFeatures('uri', message.uri)
  for (const [name, value] of [
    ['issuedAt', message.issuedAt],
    ['expirationTime', message.expirationTime],
    ['notBefore', message.notBefore],
  ] as const) {
    if (value === undefined) continue
    add(`${name}`, true)
    add('time:fraction', value.includes('.'))
    add('time:offset', /[+-]\d\d:\d\d$/.test(value))
    add('time:lower-case', /[tz]/.test(value))
  }
  add('requestId', message.requestId !== undefined)
  add('requestId:empty', message.requestId === '')
  add('resources:empty', message.resources?.length === 0)
  add('resources:some', (message.resources?.length ?? 0) > 0)
  for (const resource of message.resources ?? []) uriFeatures('resource', resource)
  add('chainId:large', message.chainId > 2 ** 32)
  return found
}

// ---------------------------------------------------------------------------------------------
// Mutations: the ways a message gets corrupted or forged in transit or by an attacker.

/** Look-alikes of characters the grammar uses: full-width, Cyrillic, zero-width, RTLO, NBSP, BOM. */
const CONFUSABLES = [
  '\uff1a',
  '\u0430',
  '\u0435',
  '\u043e',
  '\u200b',
  '\u202e',
  '\u00a0',
  '\ufeff',
  '\u2028',
  '\u0131',
]
const mutation = fc.oneof(
  // One byte inserted, deleted or changed, anywhere.
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    char: fc.string({ unit: anyCodePoint, minLength: 1, maxLength: 1 }),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: chars('\n\r :-0aA/@%.\t') }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: chars('\n\r :-0aAzZ/@%.\tT') }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: fc.constantFrom(...CONFUSABLES) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: fc.constantFrom(...CONFUSABLES) }),
  fc.constant({ kind: 'crlf' as const }),
  fc.record({ kind: fc.constant('crlf-line' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('trailing' as const),
    tail: fc.constantFrom(' ', '\t', '\n', '\r\n', '\u00a0', '\n\n'),
  }),
  fc.record({ kind: fc.constant('line-end-space' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('drop-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('case-flip' as const), at: fc.nat() }),
)
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n')
  const lineAt = (n: number) => n % lines.length
  switch (m.kind) {
    case 'insert': {
      const at = m.at % (text.length + 1)
      return text.slice(0, at) + m.char + text.slice(at)
    }
    case 'delete': {
      const at = m.at % text.length
      return text.slice(0, at) + text.slice(at + 1)
    }
    case 'replace': {
      const at = m.at % text.length
      return text.slice(0, at) + m.char + text.slice(at + 1)
    }
    case 'crlf':
      return text.replaceAll('\n', '\r\n')
    case 'crlf-line':
      lines[lineAt(m.at)] += '\r'
      return lines.join('\n')
    case 'trailing':
      return text + m.tail
    case 'line-end-space':
      lines[lineAt(m.at)] += ' '
      return lines.join('\n')
    case 'duplicate-line':
      lines.splice(lineAt(m.to), 0, lines[lineAt(m.at)]!)
      return lines.join('\n')
    case 'swap-lines': {
      const [a, b] = [lineAt(m.a), lineAt(m.b)]
      ;[lines[a], lines[b]] = [lines[b]!, lines[a]!]
      return lines.join('\n')
    }
    case 'drop-line':
      lines.splice(lineAt(m.at), 1)
      return lines.join('\n')
    case 'case-flip': {
      const at = m.at % text.length
      const c = text[at]!
      const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()
      return text.slice(0, at) + flipped + text.slice(at + 1)
    }
  }
}

/** The canonical-parser property: an accepted text is exactly the serialization of what it parsed to. */
function expectRefusedOrCanonical(text: string) {
  const result = parseSiweMessage(text)
  if (result.ok) expect(createSiweMessage(result.value)).toBe(text)
}

// ---------------------------------------------------------------------------------------------

describe('parseSiweMessage fuzz', () => {
  it('property: never throws on any string, and whatever it accepts re-serializes to the same text', () => {
    const anyText = fc.oneof(
      fc.string({ unit: anyCodePoint, maxLength: 600 }),
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      // Line soup: the grammar's own prefixes in any order, so some texts get deep into the parser.
      fc
        .array(
          fc.oneof(
            fc.constantFrom(
              'example.com wants you to sign in with your Ethereum account:',
              '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
              '',
              'URI: https://example.com',
              'Version: 1',
              'Chain ID: 1',
              'Nonce: abcdefgh12',
              'Issued At: 2026-01-01T00:00:00Z',
              'Expiration Time: 2026-01-01T00:00:00Z',
              'Not Before: 2026-01-01T00:00:00Z',
              'Request ID: x',
              'Resources:',
              '- https://example.com',
            ),
            fc.string({ maxLength: 20 }),
          ),
          { maxLength: 16 },
        )
        .map((lines) => lines.join('\n')),
    )
    fc.assert(fc.property(anyText, expectRefusedOrCanonical), { numRuns: 2000 })
  })

  it('property: parseSiweMessage(createSiweMessage(f)) gives back f, for messages built from the ABNF', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const text = createSiweMessage(f)
        const { issuedAtMs: _i, expirationTimeMs: _e, notBeforeMs: _n, ...back } = parsed(text)
        expect(back).toEqual(f)
        expect(createSiweMessage(back)).toBe(text)
      }),
      { numRuns: 1000 },
    )
  })

  it('property: a mutated valid message is refused or is the canonical text of what it parses to', () => {
    const seed = fc.oneof(
      fields.map((f) => createSiweMessage(f)),
      fc.constantFrom(...vectorTexts),
    )
    fc.assert(
      fc.property(seed, fc.array(mutation, { minLength: 1, maxLength: 3 }), (text, mutations) => {
        expectRefusedOrCanonical(mutations.reduce(mutate, text))
      }),
      { numRuns: 2000 },
    )
  })

  it('attack: CRLF, trailing whitespace, a duplicated field and non-ASCII look-alikes are refused', () => {
    fc.assert(
      fc.property(
        fields.map((f) => createSiweMessage(f)),
        fc.nat(),
        fc.constantFrom(...CONFUSABLES),
        (text, at, confusable) => {
          const lines = text.split('\n')
          const refused = (t: string) => expect(parseSiweMessage(t).ok).toBe(false)
          refused(text.replaceAll('\n', '\r\n'))
          refused(`${text}\n`)
          refused(`${text} `)
          const line = at % lines.length
          // The statement and its blank lines are left out: a statement may end in a space, and a
          // space on the empty statement's blank line is the statement " ".
          if (line > 4 || line < 2) {
            refused([...lines.slice(0, line), `${lines[line]} `, ...lines.slice(line + 1)].join('\n'))
          }
          // Any field line repeated right after itself (a repeated resource is just two resources).
          if (lines[line] !== '' && !lines[line]!.startsWith('- ')) {
            refused([...lines.slice(0, line + 1), lines[line], ...lines.slice(line + 1)].join('\n'))
          }
          const char = at % text.length
          refused(text.slice(0, char) + confusable + text.slice(char + 1))
        },
      ),
      { numRuns: 500 },
    )
  })

  it('coverage: the generators reach every grammar feature the conformance vectors use', () => {
    const fromVectors = new Set(vectorTexts.flatMap((text) => [...features(parsed(text))]))
    const generated = new Set(
      fc.sample(fields, 1000).flatMap((f) => [...features(parsed(createSiweMessage(f)))]),
    )
    const missing = [...fromVectors].filter((feature) => !generated.has(feature))
    expect(missing).toEqual([])
  })
})
