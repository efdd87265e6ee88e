import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  isAuthority,
  isFragment,
  isIpv4Address,
  isIpv6Address,
  isIpvFuture,
  isPctEncoded,
  isRegName,
  isScheme,
  isSegmentNz,
  isUri,
  isUserinfo,
  parseAuthority,
} from './rfc3986.js'
import { isStatement } from './siwe-grammar.js'

const load = <T>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../../../../fixtures/siwe/${path}`, import.meta.url), 'utf8')) as T

type CharVector = { rule: string; input: string; answer: boolean }

/** The ABNF rule names used by spruceid/siwe PR 200's character-class vectors. */
const RULES: Record<string, (text: string) => boolean> = {
  scheme: isScheme,
  statement: isStatement,
  'pct-encoded': isPctEncoded,
  userinfo: isUserinfo,
  IPvFuture: isIpvFuture,
  'reg-name': isRegName,
  'segment-nz': isSegmentNz,
  fragment: isFragment,
}

for (const file of ['valid_chars', 'invalid_chars']) {
  describe(`spruceid-siwe-pr200/${file}.json`, () => {
    const vectors = load<Record<string, CharVector>>(`spruceid-siwe-pr200/${file}.json`)
    it.each(Object.entries(vectors))(
      file === 'valid_chars' ? 'default: %s' : 'error: %s',
      (_name, vector) => {
        const rule = RULES[vector.rule]
        if (rule === undefined) throw new Error(`unmapped rule ${vector.rule}`)
        expect(rule(vector.input)).toBe(vector.answer)
      },
    )
  })
}

describe('isIpv6Address', () => {
  it.each([
    '::',
    '::1',
    '1::',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:1.2.3.4',
    '::1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7::',
    '1::8',
    '1:2:3:4:5:6::8',
    '::ffff:129.144.52.38',
    '2001:DB8::7',
    '::000.000.010.001',
  ])('default: %s', (text) => expect(isIpv6Address(text)).toBe(true))
  it.each([
    '',
    ':',
    ':::',
    '1:::2',
    '1::2::3',
    ':1::2',
    '1::2:',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5::6:7:8',
    '12345::',
    'g::',
    '1.2.3.4::',
    '1.2.3.4',
    '::1.2.3',
    '::1.2.3.4.5',
    '::1.2.3.256',
    '::1.2.3.4:1',
    '::0x1.2.3.4',
  ])('error: %j', (text) => expect(isIpv6Address(text)).toBe(false))
})

describe('isIpv4Address', () => {
  it.each(['0.0.0.0', '255.255.255.255', '010.0.00.000'])('default: %s', (text) => {
    expect(isIpv4Address(text)).toBe(true)
  })
  it.each(['256.0.0.0', '1.2.3', '1.2.3.4.', '1..2.3', '0001.2.3.4', '1.2.3.-4', ''])('error: %j', (text) => {
    expect(isIpv4Address(text)).toBe(false)
  })
})

describe('parseAuthority', () => {
  it('default', () => {
    expect(parseAuthority('u:p@[2001:db8::1]:8080')).toEqual({
      userinfo: 'u:p',
      host: '[2001:db8::1]',
      port: '8080',
    })
    expect(parseAuthority('app.example')).toEqual({ host: 'app.example' })
    expect(parseAuthority('app.example:')).toEqual({ host: 'app.example', port: '' })
    expect(parseAuthority('[v1.x:y]')).toEqual({ host: '[v1.x:y]' })
    expect(parseAuthority('')).toEqual({ host: '' })
  })
  it.each(['a@b@c', 'a/b', 'a:b:c', '[::1]x', '[::1', 'a b', 'a:8o', 'x#y', '[]', '[v1.]', '[vz.x]'])(
    'error: %j',
    (text) => expect(isAuthority(text)).toBe(false),
  )
})

describe('isUri', () => {
  it.each([
    'https://app.example',
    'https://app.example/',
    'https://u:p@app.example:8443/a/b?c=d&e#f/g?h',
    'urn:isbn:0451450523',
    'mailto:a@b.example',
    'ipfs://Qme7ss3ARVgxv6rXqVPiikMJ8u2NLgmgszg13pYrDKEoiu',
    'a:',
    'a:/b',
    'a:b:c',
    'a://',
    'a:?#',
    'http://[::1]:80/%7E',
    'did:pkh:eip155:1:0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
  ])('default: %s', (text) => expect(isUri(text)).toBe(true))
  it.each([
    '',
    ':',
    '//app.example',
    '1a:b',
    'a b:c',
    'https://app.example/a b',
    'https://app.example#a#b',
    'https://app.example/%',
    'https://app.example/%g0',
    'https://app example',
    'https://[::1/x',
    'https://a@b@c',
    'https://app.example/<x>',
    'https://app.example/\u00e9',
  ])('error: %j', (text) => expect(isUri(text)).toBe(false))
})
