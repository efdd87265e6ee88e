import { describe, expect, it } from 'vitest'
import { decideAccess } from './decide-access.js'
import { publicPathsPolicy } from './public-paths-policy.js'
import { compileRoutePolicy } from './route-policy.js'

describe('publicPathsPolicy', () => {
  it('default', () => {
    expect(publicPathsPolicy('/v1', ['markets', 'bbo/{market}'], 'read')).toEqual([
      { methods: ['GET'], path: '/v1/markets', access: 'public' },
      { methods: ['GET'], path: '/v1/bbo/{market}', access: 'public' },
      { path: '/v1/*', access: 'read' },
    ])
  })

  it('behavior: public GETs, a credential for the rest of the base, nothing outside it', () => {
    const rules = publicPathsPolicy(
      '/v1/',
      ['bbo/{market}', 'markets', 'orderbook/{market}/interactive'],
      'trade',
    )
    const policy = compileRoutePolicy(rules)
    if (!policy.ok) throw new Error(policy.reason)
    const decide = (method: string, path: string) => decideAccess(policy.value, method, path)
    expect(decide('GET', '/v1/bbo/ETH-USD-PERP')).toBe('public')
    expect(decide('HEAD', '/v1/markets')).toBe('public')
    expect(decide('GET', '/v1/orderbook/ETH-USD-PERP/interactive')).toBe('public')
    expect(decide('POST', '/v1/markets')).toBe('trade')
    expect(decide('GET', '/v1/orders')).toBe('trade')
    expect(decide('GET', '/v1/orderbook/ETH-USD-PERP')).toBe('trade')
    expect(decide('GET', '/v1')).toBe('deny')
    expect(decide('GET', '/v2/markets')).toBe('deny')
  })

  it('behavior: an empty base is the root, and a wrong path is reported by its rule index', () => {
    expect(publicPathsPolicy('', ['time'], 'deny').map((r) => r.path)).toEqual(['/time', '/*'])
    const result = compileRoutePolicy(publicPathsPolicy('/v1', ['markets', '/system/time'], 'read'))
    expect(result).toEqual({ ok: false, reason: 'rule 1: path "/v1//system/time" has an empty segment' })
  })

  it('behavior: read-or-trade: the rest follows the method, as a gateway without a policy does', () => {
    const policy = compileRoutePolicy(publicPathsPolicy('/v1', ['markets'], 'read-or-trade'))
    if (!policy.ok) throw new Error(policy.reason)
    const decide = (method: string, path: string) => decideAccess(policy.value, method, path)
    expect(decide('GET', '/v1/markets')).toBe('public')
    expect(decide('POST', '/v1/markets')).toBe('trade')
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(decide(method, '/v1/balance')).toBe('read')
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
      expect(decide(method, '/v1/orders')).toBe('trade')
    expect(decide('GET', '/v1/../admin')).toBe('deny')
  })
})
