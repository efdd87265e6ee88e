import { describe, expect, it } from 'vitest'
import { createIpAllowlist, normalizeIpRange } from './ip-allowlist.js'

describe('normalizeIpRange', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['203.0.113.0/24', '203.0.113.0/24'],
    [' 2001:DB8::1 ', '2001:db8::1'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
  ])('default: %s → %s', (input, output) => {
    expect(normalizeIpRange(input)).toBe(output)
  })

  it.each([
    '',
    'example.com',
    '203.0.113.7/33',
    '2001:db8::/129',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    '10.0.0.256',
    '10.0.0.0/ 8',
    '::ffff:10.0.0.0/95',
  ])('error: %j is not an address or range', (input) => {
    expect(normalizeIpRange(input)).toBeUndefined()
  })
})

describe('createIpAllowlist', () => {
  const list = createIpAllowlist(['203.0.113.0/24', '2001:db8::/32', '198.51.100.9'])

  it('behavior: CIDR v4, CIDR v6 and single addresses match; others do not', () => {
    expect(list.allows('203.0.113.200')).toBe(true)
    expect(list.allows('203.0.114.1')).toBe(false)
    expect(list.allows('2001:db8:ffff::1')).toBe(true)
    expect(list.allows('2001:db9::1')).toBe(false)
    expect(list.allows('198.51.100.9')).toBe(true)
    expect(list.allows('198.51.100.10')).toBe(false)
  })

  it('behavior: an IPv4-mapped IPv6 peer is matched as IPv4', () => {
    expect(list.allows('::ffff:203.0.113.5')).toBe(true)
    expect(list.allows('::FFFF:198.51.100.9')).toBe(true)
    expect(list.allows('::ffff:192.0.2.1')).toBe(false)
  })

  it('behavior: an IPv6 range never admits IPv4 peers, not even ::/0', () => {
    for (const range of ['::/0', '::/64']) {
      const v6 = createIpAllowlist([normalizeIpRange(range)!])
      expect([range, v6.allows('203.0.113.5'), v6.allows('::ffff:203.0.113.5')]).toEqual([
        range,
        false,
        false,
      ])
      expect(v6.allows('2001:db8::1')).toBe(range === '::/0')
    }
  })

  it('attack: a mapped range not spelled with a dotted IPv4 is refused (::ffff:0:0/96 would be every IPv4 client)', () => {
    for (const range of ['0:0:0:0:0:ffff::/96', '::ffff:0:0/96', '::ffff:7f00:0/104'])
      expect(normalizeIpRange(range)).toBeUndefined()
    expect(normalizeIpRange('::ffff:10.0.0.0/104')).toBe('10.0.0.0/8')
  })

  it('behavior: an empty list allows everything; garbage never matches a non-empty list', () => {
    expect(createIpAllowlist([]).allows('192.0.2.1')).toBe(true)
    expect(list.allows('not-an-ip')).toBe(false)
    expect(list.allows('')).toBe(false)
  })
})
