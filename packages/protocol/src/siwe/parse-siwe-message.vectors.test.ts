import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseSiweMessage } from './parse-siwe-message.js'
import { parseAuthority } from './rfc3986.js'
import type { SiweMessage, SiweParseReason } from './siwe-message.js'

/** spruceid/siwe conformance vectors (fixtures/siwe/README.md). */
const load = <T>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../../../../fixtures/siwe/${path}`, import.meta.url), 'utf8')) as T

const DIRS = ['spruceid-siwe-main', 'spruceid-siwe-pr200', 'spruceid-siwe-v3.0.0-beta'] as const

/** Vector field objects use `null` for "absent"; Sigil omits absent fields. */
function withoutNulls(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null))
}

function withoutMs(message: SiweMessage): Record<string, unknown> {
  const { issuedAtMs: _i, expirationTimeMs: _e, notBeforeMs: _n, ...fields } = message
  return fields
}

function parsed(text: string): SiweMessage {
  const result = parseSiweMessage(text)
  if (!result.ok) throw new Error(`rejected: ${result.reason}`)
  return result.value
}

function rejection(text: string): SiweParseReason | 'accepted' {
  const result = parseSiweMessage(text)
  return result.ok ? 'accepted' : result.reason
}

/** The reason Sigil gives for each upstream negative (same names in main, PR 200 and v3.0.0-beta). */
const NEGATIVE_REASONS: Record<string, SiweParseReason> = {
  'missing domain': 'domain_invalid',
  'missing address': 'address_invalid',
  'missing uri': 'unexpected_line',
  'missing version': 'unexpected_line',
  'missing chainId': 'unexpected_line',
  'missing nonce': 'unexpected_line',
  'missing issuedAt': 'unexpected_line',
  'out of order uri': 'unexpected_line',
  'out of order version': 'unexpected_line',
  'out of order chainId': 'unexpected_line',
  'out of order nonce': 'unexpected_line',
  'out of order issuedAt': 'unexpected_line',
  'out of order expirationTime': 'unexpected_line',
  'out of order notBefore': 'unexpected_line',
  'out of order requestId': 'unexpected_line',
  'out of order resources': 'unexpected_line',
  'domain not RFC4501 authority': 'domain_invalid',
  'address not EIP-55': 'address_not_eip55',
  'statement has line break': 'statement_invalid',
  'uri is non-RFC 3986': 'uri_invalid',
  'version not 1': 'version_invalid',
  'not a valid chainId': 'chain_id_invalid',
  'nonce with less then 8 chars': 'nonce_invalid',
  'non-ISO 8601 issuedAt': 'issued_at_invalid',
  'non-ISO 8601 expirationTime': 'expiration_time_invalid',
  'non-ISO 8601 notBefore': 'not_before_invalid',
  'resources not separated by line break': 'resources_invalid',
  'first resource not-RFC 3986': 'resources_invalid',
  'second resource is not-RFC3986': 'resources_invalid',
  // v3.0.0-beta STRICT checks; the `//` ones are disabled upstream, Sigil rejects them all.
  'STRICT CHECK =Domain may not be empty.': 'domain_invalid',
  '//STRICT CHECK =Domain may not contain rtlo characters': 'not_ascii',
  '//STRICT CHECK =URI may not contain RTLO characters.': 'not_ascii',
  '//STRICT CHECK =Resources may not contain RTLO characters.': 'not_ascii',
  'STRICT CHECK =Address not conformant to EIP-55.': 'address_not_eip55',
}

for (const dir of DIRS) {
  describe(`${dir}/parsing_positive.json`, () => {
    const vectors = load<Record<string, { message: string; fields: Record<string, unknown> }>>(
      `${dir}/parsing_positive.json`,
    )
    it.each(Object.entries(vectors))('default: %s', (_name, { message, fields }) => {
      const value = parsed(message)
      expect(withoutMs(value)).toEqual(withoutNulls(fields))
      expect(value.issuedAtMs).toBe(Date.parse(value.issuedAt))
    })
  })

  describe(`${dir}/parsing_negative.json`, () => {
    const vectors = load<Record<string, string>>(`${dir}/parsing_negative.json`)
    it.each(Object.entries(vectors))('error: %s', (name, message) => {
      expect(rejection(message)).toBe(NEGATIVE_REASONS[name])
    })
  })
}

describe('spruceid-siwe-pr200/valid_uris.json', () => {
  type UriParts = { userinfo?: string | null; host?: string | null; port?: number | string | null }
  const vectors = load<Record<string, { msg: string; uri: UriParts }>>('spruceid-siwe-pr200/valid_uris.json')
  it.each(Object.entries(vectors))('default: %s', (_name, { msg, uri }) => {
    const value = parsed(msg)
    expect(msg).toContain(`\nURI: ${value.uri}\n`)
    // Cross-check the authority split against the uri-js decomposition recorded in the vector.
    const start = value.uri.indexOf('//')
    if (start < 0) {
      expect(uri.host ?? null).toBeNull()
      return
    }
    const end = value.uri.indexOf('/', start + 2)
    const authority = parseAuthority(value.uri.slice(start + 2, end < 0 ? undefined : end))
    expect(authority?.host.replace(/^\[(.*)\]$/, '$1')).toBe(uri.host)
    if ('userinfo' in uri) expect(authority?.userinfo ?? null).toBe(uri.userinfo)
    if ('port' in uri) expect(authority?.port ?? null).toBe(uri.port === null ? null : String(uri.port))
  })
})

describe('spruceid-siwe-pr200/invalid_uris.json', () => {
  const vectors = load<Record<string, string>>('spruceid-siwe-pr200/invalid_uris.json')
  it.each(Object.entries(vectors))('error: %s', (_name, message) => {
    expect(rejection(message)).toBe('uri_invalid')
  })
})

describe('spruceid-siwe-pr200/valid_resources.json', () => {
  const vectors = load<Record<string, { msg: string; resources: string[] }>>(
    'spruceid-siwe-pr200/valid_resources.json',
  )
  it.each(Object.entries(vectors))('default: %s', (_name, { msg, resources }) => {
    expect(parsed(msg).resources).toEqual(resources)
  })
})

describe('spruceid-siwe-pr200/invalid_resources.json', () => {
  const vectors = load<Record<string, string>>('spruceid-siwe-pr200/invalid_resources.json')
  it.each(Object.entries(vectors))('error: %s', (_name, message) => {
    expect(rejection(message)).toBe('resources_invalid')
  })
})

describe('spruceid-siwe-pr200/valid_specification.json', () => {
  type Items = { statement: string | null; requestId: string | null; resources: string[] | null }
  const vectors = load<Record<string, { msg: string; items: Items }>>(
    'spruceid-siwe-pr200/valid_specification.json',
  )
  it.each(Object.entries(vectors))('default: %s', (_name, { msg, items }) => {
    const value = parsed(msg)
    expect({ statement: value.statement, requestId: value.requestId, resources: value.resources }).toEqual({
      statement: items.statement ?? undefined,
      requestId: items.requestId ?? undefined,
      resources: items.resources ?? undefined,
    })
    for (const key of ['statement', 'requestId', 'resources'] as const) {
      expect(key in value).toBe(items[key] !== null)
    }
  })
})
