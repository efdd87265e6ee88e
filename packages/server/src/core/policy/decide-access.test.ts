import { describe, expect, it } from 'vitest'
import { compile } from '../../../test/support/route-policy-arbitraries.js'
import { decideAccess } from './decide-access.js'

const paradex = compile([
  { methods: ['GET'], path: '/v1/markets', access: 'public' },
  { methods: ['GET'], path: '/v1/bbo/{market}', access: 'public' },
  { methods: ['POST'], path: '/v1/auth', access: 'public' },
  { methods: ['DELETE'], path: '/v1/orders/*', access: 'trade' },
  { path: '/v1/account/session', access: 'session' },
  { methods: ['GET', 'OPTIONS'], path: '/v1/*', access: 'read' },
  { methods: ['*'], path: '/v1/*', access: 'trade' },
])
/** Grants everything well-formed, so that a `deny` below can only come from the request's shape. */
const everything = compile([
  { path: '/', access: 'public' },
  { path: '/*', access: 'public' },
])

const MALFORMED_PATHS = [
  ...['', 'v1/markets', '*', 'http://sigil.test/v1/markets', '?/v1/markets'],
  ...['/v1/markets#x', '/v1/markets?x#y', '/v1/./markets', '/v1/../v1/markets', '/.', '/..', '/v1/.'],
  ...['/v1/%2e/markets', '/v1/%2E%2e/markets', '/v1/.%2E/markets', '/v1/%2e./markets', '/v1/%2e'],
  ...['/v1/bbo/a%2fb', '/v1/bbo/a%2Fb', '/v1/bbo/a%5cb', '/v1/bbo/a%5Cb', '/v1/bbo/a\\b', '\\v1'],
  ...['//v1/markets', '/v1//markets', '/v1/markets//', '//', '/v1/bbo/a\u0000', '/v1/bbo/a\tb'],
  ...['/v1/bbo/a b', '/v1/bbo/\u007f', '/v1/bbo/é', '/v1/bbo/\u{1F600}', '/v1/markets?q=é', '/v1/bbo/%'],
  ...['/v1/bbo/%4', '/v1/bbo/%zz', '/v1/bbo/%%41', '/v1/m%61rkets', '/v1/bbo/BTC%2DUSD', '/v1/bbo/{x}'],
]

describe('decideAccess', () => {
  it('default: without a policy, reading needs read and anything else trade', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'get'].map((m) => decideAccess(undefined, m, '/v1/x'))).toEqual(
      Array(4).fill('read'),
    )
    expect(['POST', 'PUT', 'PATCH', 'DELETE', 'PURGE'].map((m) => decideAccess(undefined, m, '/'))).toEqual(
      Array(5).fill('trade'),
    )
  })

  it('behavior: the first matching rule decides, and a path no rule names is denied', () => {
    expect(decideAccess(paradex, 'GET', '/v1/markets')).toBe('public')
    expect(decideAccess(paradex, 'GET', '/v1/bbo/BTC-USD-PERP')).toBe('public')
    expect(decideAccess(paradex, 'GET', '/v1/orders')).toBe('read')
    expect(decideAccess(paradex, 'POST', '/v1/orders')).toBe('trade')
    expect(decideAccess(paradex, 'POST', '/v1/auth')).toBe('public')
    expect(decideAccess(paradex, 'GET', '/v1/account/session')).toBe('session')
    expect(decideAccess(paradex, 'GET', '/v2/markets')).toBe('deny')
    expect(decideAccess(paradex, 'GET', '/v1')).toBe('deny')
    expect(decideAccess(paradex, 'GET', '/')).toBe('deny')
  })

  it('behavior: methods are compared upper-cased; HEAD follows GET, not the reverse', () => {
    expect(decideAccess(paradex, 'get', '/v1/markets')).toBe('public')
    expect(decideAccess(paradex, 'HEAD', '/v1/markets')).toBe('public')
    expect(decideAccess(paradex, 'POST', '/v1/markets')).toBe('trade')
    const headOnly = compile([{ methods: ['HEAD'], path: '/a', access: 'public' }])
    expect(decideAccess(headOnly, 'HEAD', '/a')).toBe('public')
    expect(decideAccess(headOnly, 'GET', '/a')).toBe('deny')
    // A method no rule names sees the any-method rules only.
    expect(decideAccess(paradex, 'PURGE', '/v1/markets')).toBe('trade')
    expect(decideAccess(paradex, 'DELETE', '/v1/orders/42')).toBe('trade')
  })

  it('behavior: the query is ignored; paths are raw, case-sensitive, and /a/ is not /a', () => {
    expect(decideAccess(paradex, 'GET', '/v1/markets?market=BTC&x=/../%2f')).toBe('public')
    expect(decideAccess(paradex, 'GET', '/v1/bbo/BTC%20X')).toBe('public')
    expect(decideAccess(paradex, 'GET', '/V1/markets')).toBe('deny')
    expect(decideAccess(paradex, 'POST', '/v1/Auth')).toBe('trade')
    expect(decideAccess(paradex, 'GET', '/v1/bbo/BTC/')).toBe('read')
    expect(decideAccess(paradex, 'GET', '/v1/bbo/BTC/x')).toBe('read')
    const exact = compile([{ path: '/a', access: 'public' }])
    expect([decideAccess(exact, 'GET', '/a'), decideAccess(exact, 'GET', '/a/')]).toEqual(['public', 'deny'])
  })

  it('attack: malformed requests are denied with or without a policy', () => {
    for (const path of MALFORMED_PATHS) {
      expect([path, decideAccess(everything, 'GET', path)]).toEqual([path, 'deny'])
      expect([path, decideAccess(undefined, 'GET', path)]).toEqual([path, 'deny'])
    }
    for (const method of ['', 'GE T', 'GET\n', 'GÉT', '(GET)', 'GET/1']) {
      expect([method, decideAccess(everything, method, '/a')]).toEqual([method, 'deny'])
      expect([method, decideAccess(undefined, method, '/a')]).toEqual([method, 'deny'])
    }
    // The same requests, well-formed, are granted: the denials above come from the shape alone.
    expect(
      ['/', '/v1/markets', '/v1/bbo/a%20b', '/v1/...'].map((p) => decideAccess(everything, 'GET', p)),
    ).toEqual(Array(4).fill('public'))
  })
})
