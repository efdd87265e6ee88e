import { describe, expect, it } from 'vitest'
import { clientKey, normalizeIp } from './ip-address.js'

describe('ip addresses', () => {
  it('behavior: every spelling of an IPv4-mapped peer folds to the IPv4 address, as Fastify folds it', () => {
    for (const ip of ['::ffff:127.0.0.1', '::ffff:7f00:1', '::FFFF:7F00:0001', '0:0:0:0:0:ffff:7f00:1']) {
      expect([ip, normalizeIp(ip)]).toEqual([ip, '127.0.0.1'])
    }
    expect(normalizeIp('2001:DB8:0:0::1')).toBe('2001:db8::1')
    for (const bad of ['1.2.3', '01.2.3.4', 'nope', '']) expect(normalizeIp(bad)).toBeUndefined()
  })

  it('behavior: clientKey counts an IPv4 address alone and an IPv6 address by its /64', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7')
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7')
    expect(clientKey('2001:db8:0:1::1')).toBe('2001:db8:0:1::/64')
    expect(clientKey('2001:db8:0:1:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:1::/64')
    expect(clientKey('2001:db8:0:2::1')).toBe('2001:db8:0:2::/64')
  })
})
