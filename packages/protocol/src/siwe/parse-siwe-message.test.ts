import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSiweMessage } from './create-siwe-message.js'
import { parseSiweMessage } from './parse-siwe-message.js'
import type { SiweParseReason } from './siwe-message.js'

const ADDRESS = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'

/** Message M of spec/siwe.md §7. */
const M = [
  'app.example wants you to sign in with your Ethereum account:',
  ADDRESS,
  '',
  'Sign in to app.example',
  '',
  'URI: https://app.example',
  'Version: 1',
  'Chain ID: 1',
  'Nonce: Jx4kQ2vT9bLp7sRa',
  'Issued At: 2026-01-01T00:00:00.000Z',
].join('\n')

function reasonOf(
  text: string,
  options?: Parameters<typeof parseSiweMessage>[1],
): SiweParseReason | 'accepted' {
  const result = parseSiweMessage(text, options)
  return result.ok ? 'accepted' : result.reason
}

/** M with one line replaced (by its prefix), or `undefined` to delete it. */
function withLine(prefix: string, line: string | undefined): string {
  const lines = M.split('\n')
  const index = lines.findIndex((l) => l.startsWith(prefix))
  if (index < 0) throw new Error(`no line ${prefix}`)
  if (line === undefined) lines.splice(index, 1)
  else lines[index] = line
  return lines.join('\n')
}

const withStatement = (statement: string) => withLine('Sign in to', statement)
const withTail = (...lines: string[]) => [M, ...lines].join('\n')

describe('parseSiweMessage', () => {
  it('default', () => {
    expect(parseSiweMessage(M)).toMatchInlineSnapshot(`
      {
        "ok": true,
        "value": {
          "address": "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
          "chainId": 1,
          "domain": "app.example",
          "issuedAt": "2026-01-01T00:00:00.000Z",
          "issuedAtMs": 1767225600000,
          "nonce": "Jx4kQ2vT9bLp7sRa",
          "statement": "Sign in to app.example",
          "uri": "https://app.example",
          "version": "1",
        },
      }
    `)
  })

  it('behavior: optional fields, scheme, empty request id, zero resources', () => {
    const text = `https://${withTail(
      'Expiration Time: 2026-01-01T00:10:00Z',
      'Not Before: 2026-01-01T00:00:00+01:00',
      'Request ID: ',
      'Resources:',
    )}`
    const result = parseSiweMessage(text)
    expect(result).toMatchObject({
      ok: true,
      value: {
        scheme: 'https',
        domain: 'app.example',
        expirationTimeMs: Date.parse('2026-01-01T00:10:00Z'),
        notBeforeMs: Date.parse('2025-12-31T23:00:00Z'),
        requestId: '',
        resources: [],
      },
    })
  })

  it('behavior: no statement (three LFs) and empty statement (four LFs) differ', () => {
    const none = parseSiweMessage(withLine('Sign in to', undefined))
    const empty = parseSiweMessage(withStatement(''))
    expect(none.ok && 'statement' in none.value).toBe(false)
    expect(empty.ok && empty.value.statement).toBe('')
  })

  it('behavior: absent optional fields are omitted, not undefined', () => {
    const result = parseSiweMessage(M)
    expect(result.ok && Object.keys(result.value).sort()).toEqual(
      [
        'address',
        'chainId',
        'domain',
        'issuedAt',
        'issuedAtMs',
        'nonce',
        'statement',
        'uri',
        'version',
      ].sort(),
    )
  })

  it('error: not a string (untyped callers)', () => {
    expect(parseSiweMessage(undefined as unknown as string)).toEqual({ ok: false, reason: 'not_a_string' })
  })

  it('error: text ends before a required line', () => {
    expect(reasonOf(M.split('\n').slice(0, 2).join('\n'))).toBe('missing_field')
    expect(reasonOf(M.split('\n').slice(0, 8).join('\n'))).toBe('missing_field')
    expect(reasonOf(M.split('\n').slice(0, 4).join('\n'))).toBe('missing_field')
  })
})

describe('spec §7.2: line endings and leading bytes', () => {
  it('error: CRLF', () => expect(reasonOf(M.replaceAll('\n', '\r\n'))).toBe('header_invalid'))
  it('error: CR only after the address', () =>
    expect(reasonOf(M.replace(ADDRESS, `${ADDRESS}\r`))).toBe('address_invalid'))
  it('error: trailing LF', () => expect(reasonOf(`${M}\n`)).toBe('unexpected_line'))
  it('error: trailing LF after resources', () =>
    expect(reasonOf(withTail('Resources:', '- https://a.example', ''))).toBe('unexpected_line'))
  it('error: leading BOM', () => expect(reasonOf(`\uFEFF${M}`)).toBe('not_ascii'))
  it('error: leading space', () => expect(reasonOf(` ${M}`)).toBe('domain_invalid'))
  it('error: trailing space on a line', () =>
    expect(reasonOf(M.replace('Version: 1', 'Version: 1 '))).toBe('version_invalid'))
})

describe('spec §7.3: header phrase', () => {
  it.each([
    ['Wants', M.replace(' wants you', ' Wants you')],
    ['double space inside', M.replace('wants you', 'wants  you')],
    ['Ethereum lower case', M.replace('Ethereum account', 'ethereum account')],
    ['missing colon', M.replace('account:', 'account')],
    ['trailing space', M.replace('account:', 'account: ')],
  ])('error: %s', (_name, text) => expect(reasonOf(text)).toBe('header_invalid'))
  it('error: double space before the phrase', () =>
    expect(reasonOf(M.replace(' wants', '  wants'))).toBe('domain_invalid'))
})

describe('spec §7.4: address', () => {
  it.each([
    ['all lower case', ADDRESS.toLowerCase()],
    ['all upper case', `0x${ADDRESS.slice(2).toUpperCase()}`],
    ['one letter flipped', ADDRESS.replace('aaA', 'aaa')],
  ])('error: %s', (_name, address) => expect(reasonOf(M.replace(ADDRESS, address))).toBe('address_not_eip55'))
  it.each([
    ['39 hex', ADDRESS.slice(0, 41)],
    ['41 hex', `${ADDRESS}0`],
    ['0X prefix', ADDRESS.replace('0x', '0X')],
    ['no prefix', ADDRESS.slice(2)],
    ['non-hex', ADDRESS.replace('C0', 'G0')],
    ['empty', ''],
  ])('error: %s', (_name, address) => expect(reasonOf(M.replace(ADDRESS, address))).toBe('address_invalid'))
})

describe('spec §7.5: statement charset', () => {
  it.each([
    ['non-ASCII', 'Éxchange sign-in'],
    ['RTLO', 'Sign in \u202Emoc.live'],
    ['emoji', 'Sign in 🙂'],
  ])('error: %s', (_name, statement) => expect(reasonOf(withStatement(statement))).toBe('not_ascii'))
  it.each([
    ['TAB', 'Sign\tin'],
    ['%', '100% safe'],
    ['"', 'say "hi"'],
    ['<', '<script>'],
    ['|', 'a|b'],
    ['>', 'a>b'],
    ['{', 'a{b}'],
    ['backtick', 'a`b'],
    ['^', 'a^b'],
    ['backslash', 'a\\b'],
    ['DEL', 'a\u007fb'],
    ['NUL', 'a\u0000b'],
    ['CR', 'a\rb'],
  ])('error: %s', (_name, statement) => expect(reasonOf(withStatement(statement))).toBe('statement_invalid'))
  it('default: every allowed character', () => {
    const all = ":/?#[]@!$&'()*+,;= abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"
    expect(reasonOf(withStatement(all))).toBe('accepted')
  })
})

describe('spec §7.6: field lines', () => {
  it('error: duplicate Nonce', () => {
    expect(reasonOf(M.replace('Issued At:', 'Nonce: Jx4kQ2vT9bLp7sRa\nIssued At:'))).toBe('unexpected_line')
  })
  it('error: duplicate optional field', () => {
    const line = 'Expiration Time: 2026-01-01T00:10:00Z'
    expect(reasonOf(withTail(line, line))).toBe('unexpected_line')
  })
  it('error: unknown field at the end', () => expect(reasonOf(withTail('Foo: bar'))).toBe('unexpected_line'))
  it('error: unknown field in the middle', () => {
    expect(reasonOf(M.replace('Version: 1', 'Foo: bar\nVersion: 1'))).toBe('unexpected_line')
  })
  it('error: out of order (Not Before before Expiration Time)', () => {
    expect(
      reasonOf(withTail('Not Before: 2026-01-01T00:00:00Z', 'Expiration Time: 2026-01-01T00:10:00Z')),
    ).toBe('unexpected_line')
  })
  it('error: lower-case field name', () =>
    expect(reasonOf(M.replace('Nonce:', 'nonce:'))).toBe('unexpected_line'))
  it('error: Request ID without its space', () =>
    expect(reasonOf(withTail('Request ID:'))).toBe('unexpected_line'))
  it('error: line after resources that is not a resource', () => {
    expect(reasonOf(withTail('Resources:', '- https://a.example', 'Request ID: x'))).toBe('unexpected_line')
  })
})

describe('spec §7.7: version and chain id', () => {
  it('error: Version 2', () =>
    expect(reasonOf(M.replace('Version: 1', 'Version: 2'))).toBe('version_invalid'))
  it('error: Version 1.0', () =>
    expect(reasonOf(M.replace('Version: 1', 'Version: 1.0'))).toBe('version_invalid'))
  it.each([
    ['abc', 'Chain ID: abc'],
    ['-1', 'Chain ID: -1'],
    ['two spaces', 'Chain ID:  1'],
    ['leading zero (Sigil restriction)', 'Chain ID: 01'],
    ['empty', 'Chain ID: '],
    ['1e3', 'Chain ID: 1e3'],
    ['above MAX_SAFE_INTEGER (Sigil restriction)', 'Chain ID: 9007199254740992'],
    ['huge', 'Chain ID: 99999999999999999999999'],
  ])('error: %s', (_name, line) => expect(reasonOf(withLine('Chain ID:', line))).toBe('chain_id_invalid'))
  it.each([
    ['0', 0],
    ['137', 137],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('behavior: Chain ID %s', (text, value) => {
    const result = parseSiweMessage(withLine('Chain ID:', `Chain ID: ${text}`))
    expect(result.ok && result.value.chainId).toBe(value)
  })
})

describe('spec §7.8: nonce', () => {
  it.each([
    ['7 chars', 'abc1234'],
    ['dash', 'abcd-efgh-1234'],
    ['trailing space', 'abcd1234 '],
    ['underscore', 'abcd_1234'],
    ['129 chars (default cap 128)', 'a'.repeat(129)],
  ])('error: %s', (_name, nonce) =>
    expect(reasonOf(withLine('Nonce:', `Nonce: ${nonce}`))).toBe('nonce_invalid'),
  )
  it('default: 8 and 128 chars', () => {
    expect(reasonOf(withLine('Nonce:', 'Nonce: abcd1234'))).toBe('accepted')
    expect(reasonOf(withLine('Nonce:', `Nonce: ${'a'.repeat(128)}`))).toBe('accepted')
  })
  it('behavior: maxNonceLength option', () => {
    expect(reasonOf(M, { maxNonceLength: 15 })).toBe('nonce_invalid')
    expect(reasonOf(M, { maxNonceLength: 16 })).toBe('accepted')
  })
})

describe('spec §7.9: dates', () => {
  it.each([
    '2030-01-01',
    '2030-01-01T00:00:00',
    '2030-02-30T00:00:00Z',
    '2022-13-17T12:45:13.610Z',
    '2023-03-17T25:45:13.610Z',
    '2023-03-17T12:60:13Z',
    '2016-12-31T23:59:60Z',
    '2023-03-17 12:45:13Z',
    'never',
  ])('error: Issued At %s', (date) => {
    expect(reasonOf(withLine('Issued At:', `Issued At: ${date}`))).toBe('issued_at_invalid')
  })
  it('error: Expiration Time never', () => {
    expect(reasonOf(withTail('Expiration Time: never'))).toBe('expiration_time_invalid')
  })
  it('error: Not Before 2025-02-31', () => {
    expect(reasonOf(withTail('Not Before: 2025-02-31T17:09:38.578Z'))).toBe('not_before_invalid')
  })
  it('behavior: lower-case t and z (RFC 3339 §5.6) are kept as written', () => {
    const result = parseSiweMessage(withLine('Issued At:', 'Issued At: 2026-01-01t00:00:00z'))
    expect(result.ok && [result.value.issuedAt, result.value.issuedAtMs]).toEqual([
      '2026-01-01t00:00:00z',
      Date.parse('2026-01-01T00:00:00Z'),
    ])
  })
})

describe('spec §7.10: domain and scheme', () => {
  it.each([
    ['path', 'app.example/login'],
    ['empty', ''],
    ['#notrfc4501', '#notrfc4501'],
    ['userinfo without host', 'user@'],
    ['port without host', ':8080'],
    ['space', 'app example'],
    ['non-numeric port', 'app.example:https'],
    ['unclosed IPv6', '[::1'],
    ['bad IPv6', '[1:2:3:4:5:6:7:8:9]'],
    ['query', 'app.example?x'],
  ])('error: domain %s', (_name, domain) => {
    expect(reasonOf(M.replace('app.example wants', `${domain} wants`))).toBe('domain_invalid')
  })
  it.each([
    ['empty scheme', '://app.example'],
    ['digit first', '1https://app.example'],
  ])('error: %s', (_name, origin) => {
    expect(reasonOf(M.replace('app.example wants', `${origin} wants`))).toBe('scheme_invalid')
  })
  it('error: scheme with a path in the domain', () => {
    expect(reasonOf(M.replace('app.example wants', 'https://app.example/ wants'))).toBe('domain_invalid')
  })
  it.each(['localhost:8080', 'APP.example', '[::1]:443', 'u:p@app.example', 'app.example:'])(
    'behavior: domain %s is an authority',
    (domain) => expect(reasonOf(M.replace('app.example wants', `${domain} wants`))).toBe('accepted'),
  )
})

describe('spec §7.11: URI and resources', () => {
  it.each([
    ['://x'],
    ['https://app.example/a b'],
    ['https://app.example/?q=a b'],
    ['uri://[::0.0.0.256]'],
    ['app.example'],
    ['/login'],
    ['https://app.example/%zz'],
    ['https://[::1'],
    [''],
  ])('error: URI %s', (uri) => expect(reasonOf(withLine('URI:', `URI: ${uri}`))).toBe('uri_invalid'))
  it.each([['://x'], ['https://app.example/a b'], ['uri://[::0.0.0.256]'], ['-'], ['']])(
    'error: resource %s',
    (resource) => expect(reasonOf(withTail('Resources:', `- ${resource}`))).toBe('resources_invalid'),
  )
  it('error: resource without the "- " marker', () => {
    expect(reasonOf(withTail('Resources:', 'https://a.example'))).toBe('unexpected_line')
  })
  it('error: request id outside *pchar', () => {
    expect(reasonOf(withTail('Request ID: a b'))).toBe('request_id_invalid')
    expect(reasonOf(withTail('Request ID: a/b'))).toBe('request_id_invalid')
    expect(reasonOf(withTail('Request ID: a%2'))).toBe('request_id_invalid')
  })
})

describe('spec §7.12: size caps', () => {
  const resources = (n: number) =>
    withTail('Resources:', ...Array.from({ length: n }, (_, i) => `- https://r${i}.example`))
  it('error: message longer than 8 KiB, checked before anything else', () => {
    const big = `x${'\n'.repeat(8192)}`
    expect(reasonOf(big)).toBe('too_large')
    expect(reasonOf(`${M}\n${'a'.repeat(8192 - M.length - 1)}`)).toBe('unexpected_line')
    expect(reasonOf(`${M}\n${'a'.repeat(8192 - M.length)}`)).toBe('too_large')
  })
  it('error: more than 16 resources', () => {
    expect(reasonOf(resources(16))).toBe('accepted')
    expect(reasonOf(resources(17))).toBe('too_many_resources')
  })
  it('error: statement longer than 512 chars', () => {
    expect(reasonOf(withStatement('a'.repeat(512)))).toBe('accepted')
    expect(reasonOf(withStatement('a'.repeat(513)))).toBe('statement_invalid')
  })
  it('behavior: caps are options', () => {
    expect(reasonOf(M, { maxMessageBytes: M.length - 1 })).toBe('too_large')
    expect(reasonOf(M, { maxMessageBytes: M.length })).toBe('accepted')
    expect(reasonOf(resources(2), { maxResources: 1 })).toBe('too_many_resources')
    expect(reasonOf(M, { maxStatementLength: 5 })).toBe('statement_invalid')
  })
  it('behavior: an unusable cap falls back to the default instead of disabling the check', () => {
    expect(reasonOf(resources(17), { maxResources: Number.NaN })).toBe('too_many_resources')
    expect(reasonOf(`${M}\n${'a'.repeat(9000)}`, { maxMessageBytes: -1 })).toBe('too_large')
  })
})

describe('properties', () => {
  it('behavior: never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        expect(parseSiweMessage(text).ok).toBe(false)
      }),
    )
  })

  it('behavior: every accepted mutation of M is the canonical serialization of its fields', () => {
    const edit = fc.record({
      at: fc.nat({ max: M.length }),
      remove: fc.nat({ max: 3 }),
      insert: fc.string({
        unit: fc.constantFrom('\n', ' ', ':', '-', '0', 'a', 'A', '\r', '/', '@', '\u202e'),
        maxLength: 3,
      }),
    })
    fc.assert(
      fc.property(edit, ({ at, remove, insert }) => {
        const text = M.slice(0, at) + insert + M.slice(at + remove)
        const result = parseSiweMessage(text)
        if (result.ok) expect(createSiweMessage(result.value)).toBe(text)
      }),
      { numRuns: 2000 },
    )
  })
})
