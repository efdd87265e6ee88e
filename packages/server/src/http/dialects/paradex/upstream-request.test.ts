import { describe, expect, it } from 'vitest'
import { OVERRIDE_HEADERS, upstreamHeaders } from '../../proxy/upstream-headers.js'
import { upstreamPath } from './upstream-request.js'

describe('upstreamPath', () => {
  it.each([
    ['/paradex/v1/balance', '/v1/balance'],
    ['/paradex/v1/orders/123?market=BTC-USD-PERP', '/v1/orders/123'],
    ['/paradex/v1/', '/v1/'],
    ['/paradex/v1/markets/BTC%20USD', '/v1/markets/BTC%20USD'],
    ['/paradex/v1/a...b/..c', '/v1/a...b/..c'],
  ])('behavior: %s is forwarded as %s (raw, query excluded)', (url, path) => {
    expect(upstreamPath(url, '/paradex')).toBe(path)
  })

  it('behavior: any mount, the root included (paradexPrefix "")', () => {
    expect(upstreamPath('/v1/balance?x=1', '')).toBe('/v1/balance')
    expect(upstreamPath('/venues/paradex/v1/balance', '/venues/paradex')).toBe('/v1/balance')
    expect(upstreamPath('/paradex/v1/balance', '')).toBeUndefined()
  })

  it.each([
    '/paradex/v1',
    '/paradex/v2/auth',
    '/p%61radex/v1/balance',
    '/paradex/v1/../admin',
    '/paradex/v1/./balance',
    '/paradex/v1/%2E%2e/admin',
    '/paradex/v1/a%2Fb',
    '/paradex/v1/a%5Cb',
    '/paradex/v1/a\\b',
    '/paradex/v1/%E0%A4%A',
  ])('error: %s is not plainly under <prefix>/v1/', (url) => {
    expect(upstreamPath(url, '/paradex')).toBeUndefined()
  })
})

describe('upstreamHeaders', () => {
  const identity = { accountId: '0xabc', scopes: ['read', 'trade'] as const, via: 'jwt' as const }
  const caller = { forwardedFor: '203.0.113.7, 10.0.0.2', proto: 'https', bodyless: false }

  it('behavior: the identity replaces anything the client said about itself; hop-by-hop and credentials go', () => {
    const out = upstreamHeaders(
      {
        accept: 'application/json',
        'content-type': 'application/json',
        'content-length': '2',
        authorization: 'Bearer secret',
        cookie: 'a=b',
        'x-api-key': 'sgl_sk_secret',
        'proxy-authorization': 'Basic x',
        'x-sigil-account': '0xevil',
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-host': 'evil.example',
        forwarded: 'for=6.6.6.6',
        upgrade: 'websocket',
        expect: '100-continue',
        'keep-alive': 'timeout=5',
        te: 'trailers',
      },
      { ...identity, isolatedAccountIds: ['0x1', '0x2'] },
      caller,
    )
    expect(out).toEqual({
      accept: 'application/json',
      'content-type': 'application/json',
      'content-length': '2',
      'x-sigil-account': '0xabc',
      'x-sigil-credential': 'jwt',
      'x-sigil-scope': 'read trade',
      'x-sigil-acting-accounts': '0xabc 0x1 0x2',
      'x-forwarded-for': '203.0.113.7, 10.0.0.2',
      'x-forwarded-proto': 'https',
    })
  })

  it('attack: underscore spellings of identity and forwarding headers never reach the upstream', () => {
    const out = upstreamHeaders(
      {
        accept: 'application/json',
        x_sigil_account: '0xvictim',
        X_Sigil_Scope: 'read trade',
        'x-sigil_account': '0xvictim',
        x_forwarded_for: '6.6.6.6',
        x_real_ip: '6.6.6.6',
        paradex_partner: 'x',
      },
      undefined,
      caller,
    )
    expect(out).toEqual({
      accept: 'application/json',
      'x-forwarded-for': '203.0.113.7, 10.0.0.2',
      'x-forwarded-proto': 'https',
    })
  })

  it('attack: no header that rewrites the method, path or host after Sigil decided reaches the upstream', () => {
    const overrides = Object.fromEntries(
      OVERRIDE_HEADERS.map((name) => [name, name.includes('method') ? 'DELETE' : '/admin']),
    )
    // And spellings no list names, in the families that are dropped whole.
    const out = upstreamHeaders(
      { accept: '*/*', ...overrides, 'x-original-anything': '/admin', 'x-forwarded-whatever': '/admin' },
      identity,
      caller,
    )
    expect(Object.keys(out).sort()).toEqual(
      [
        'accept',
        'x-forwarded-for',
        'x-forwarded-proto',
        'x-sigil-account',
        'x-sigil-acting-accounts',
        'x-sigil-credential',
        'x-sigil-scope',
      ].sort(),
    )
    expect(OVERRIDE_HEADERS).toEqual(
      expect.arrayContaining([
        'x-original-url',
        'x-rewrite-url',
        'x-http-method-override',
        'x-http-method',
        'x-method-override',
      ]),
    )
  })

  it('behavior: GET and HEAD carry no body framing (Fastify reads no body for them)', () => {
    const out = upstreamHeaders({ 'content-length': '5', 'transfer-encoding': 'chunked' }, identity, {
      ...caller,
      bodyless: true,
    })
    expect(out['content-length']).toBeUndefined()
    expect(out['transfer-encoding']).toBeUndefined()
    expect(out['x-sigil-acting-accounts']).toBe('0xabc')
  })
})
