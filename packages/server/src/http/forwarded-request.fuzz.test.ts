/**
 * Fuzz: the verify endpoint's reading of the original request a forward-auth proxy states
 * (`readForwardedRequest`: X-Forwarded-Method/Uri, X-Original-Method/URI) and the path it is
 * decided on (`parseRequestPath`, `decideAccess`).
 *
 * Contract: never throws, whatever the header values (absent, any string, repeated); a refusal is
 * `{ invalid }`; an accepted request has an upper-case HTTP-token method and a URI that is one of
 * the header values and is already normal: no dot segment, no empty segment, no backslash, no
 * percent-encoded unreserved character, `/` or `\`, nothing an upstream would decode or normalise
 * into another path. Modelled upstreams (WHATWG URL, as Node, browsers and most proxies parse;
 * POSIX path normalisation; a per-segment percent-decoder) see exactly the path that was decided.
 *
 * Budget: about 6,000 runs, about 1 s on one idle core.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { posix } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compile, rulesArb } from '../../test/support/route-policy-arbitraries.js'
import { decideAccess } from '../core/policy/decide-access.js'
import { parseRequestPath } from '../core/policy/request-path.js'
import { readForwardedRequest } from './forwarded-request.js'

const anyCodePoint = fc
  .oneof(fc.nat({ max: 0x7f }), fc.nat({ max: 0xffff }), fc.nat({ max: 0x10ffff }))
  .map((code) => String.fromCodePoint(code))

/** Segments an attacker uses to make one path look like another, and ordinary ones. */
const EVASIONS = [
  '.',
  '..',
  '%2e',
  '%2E%2e',
  '.%2e',
  '%2f',
  '%2F',
  '%5c',
  '%5C',
  '\\',
  '..\\',
  '',
  '%41dmin',
  '%61',
  '%7e',
  '%5f',
  '%2d',
  '%30',
  ';',
  'admin;x=1',
  '%00',
  '%20',
  '%25',
  '%252e',
  '%c0%ae',
  '%e2%80%ae',
  '%zz',
  '%4',
  '%',
  ' ',
  '\t',
  'é',
  '%C3%A9',
  '#',
  '?',
  '*',
  '~',
]
const segment = fc.oneof(
  fc.constantFrom('admin', 'public', 'v1', 'a', 'b', 'markets', ...EVASIONS),
  fc.string({ unit: fc.constantFrom(..."aZ09-._~!$&'()*+,;=:@%/\\"), maxLength: 6 }),
)
/** Mostly well-formed origin-form targets with the odd evasion, so that many get accepted. */
const likelyUri = fc
  .tuple(
    fc.array(
      fc.oneof(
        {
          weight: 8,
          arbitrary: fc.constantFrom('admin', 'public', 'v1', 'a', 'markets', '%20', '%C3%A9', 'a:b', '...'),
        },
        { weight: 1, arbitrary: fc.constantFrom(...EVASIONS) },
      ),
      { maxLength: 4 },
    ),
    fc.boolean(),
    fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
  )
  .map(
    ([segments, slash, query]) =>
      `/${segments.join('/')}${slash && segments.length > 0 ? '/' : ''}${query === undefined ? '' : `?${query}`}`,
  )
const uri = fc.oneof(
  likelyUri,
  fc
    .tuple(
      fc.constantFrom('/', '//', '', '\\', 'http://h/', '/./', '*'),
      fc.array(segment, { maxLength: 5 }),
      fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
    )
    .map(
      ([start, segments, query]) => `${start}${segments.join('/')}${query === undefined ? '' : `?${query}`}`,
    ),
  fc.string({ unit: anyCodePoint, maxLength: 40 }),
)
const method = fc.oneof(
  fc.constantFrom('GET', 'get', 'HEAD', 'POST', 'PROPPATCH', 'GET, POST', 'G ET', '', 'OPTIONS', 'DELETE'),
  fc.string({ unit: anyCodePoint, maxLength: 10 }),
)
/** A header value as Node gives it: absent, a string, or (for headers it keeps apart) an array. */
const value = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: arb },
    { weight: 1, arbitrary: fc.array(arb, { minLength: 2, maxLength: 3 }) },
  )
/** Both families as a proxy sets them: one pair, in one family or both, the other maybe contradicting. */
const proxyHeaders = fc
  .tuple(
    method,
    likelyUri,
    fc.constantFrom('forwarded', 'original', 'both'),
    fc.option(fc.tuple(method, uri)),
  )
  .map(([m, u, families, other]) => {
    const h: IncomingHttpHeaders = {}
    if (families !== 'original') Object.assign(h, { 'x-forwarded-method': m, 'x-forwarded-uri': u })
    if (families !== 'forwarded') Object.assign(h, { 'x-original-method': m, 'x-original-uri': u })
    if (other !== null && families !== 'both') {
      const [om, ou] = other
      if (families === 'forwarded') Object.assign(h, { 'x-original-method': om, 'x-original-uri': ou })
      else Object.assign(h, { 'x-forwarded-method': om, 'x-forwarded-uri': ou })
    }
    return h
  })
const anyHeaders: fc.Arbitrary<IncomingHttpHeaders> = fc
  .record({
    'x-forwarded-method': value(method),
    'x-forwarded-uri': value(uri),
    'x-original-method': value(method),
    'x-original-uri': value(uri),
    'x-forwarded-for': value(fc.string({ maxLength: 30 })),
  })
  .map(
    (all) =>
      Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as IncomingHttpHeaders,
  )
const headers = fc.oneof(proxyHeaders, anyHeaders)

/** Asserts what an accepted URI must be: its path normal under every upstream model. */
function expectNormal(target: string) {
  const query = target.indexOf('?')
  const path = query === -1 ? target : target.slice(0, query)
  // WHATWG URL resolves dot segments (also %2e), turns `\` into `/` and percent-encodes the rest.
  expect(new URL(path, 'http://upstream.test').pathname).toBe(path)
  if (path !== '/') expect(posix.normalize(path)).toBe(path)
  for (const raw of path.split('/').slice(1)) {
    expect(raw).not.toMatch(/%(?:[46][1-9a-f]|[57][0-9a]|3[0-9]|2[def]|5[cf]|7e)/i)
    let decoded: string
    try {
      decoded = decodeURIComponent(raw)
    } catch {
      continue // not UTF-8 once decoded: no decoder that follows the standard reads a dot or a slash in it
    }
    expect(decoded).not.toMatch(/[/\\]/)
    expect(['.', '..']).not.toContain(decoded)
  }
}

describe('readForwardedRequest fuzz', () => {
  it('property: never throws; refused, or one upper-case method and a normal path from the headers', () => {
    let accepted = 0
    fc.assert(
      fc.property(headers, (h) => {
        const read = readForwardedRequest(h)
        if ('invalid' in read) {
          expect(typeof read.invalid).toBe('string')
          return
        }
        expect(read.method).toMatch(/^[!#$%&'*+.^_`|~0-9A-Z-]+$/)
        expect([h['x-forwarded-uri'], h['x-original-uri']]).toContain(read.uri)
        expect(
          [h['x-forwarded-method'], h['x-original-method']].map((m) => String(m).toUpperCase()),
        ).toContain(read.method)
        expect(parseRequestPath(read.uri)).toBeDefined()
        expectNormal(read.uri)
        accepted++
      }),
      { numRuns: 3000 },
    )
    // The generators must reach acceptance often enough for the checks above to mean something.
    expect(accepted).toBeGreaterThan(60)
  })

  it('property: the decision is the one for the path every modelled upstream sees', () => {
    let decided = 0
    fc.assert(
      fc.property(fc.option(rulesArb, { nil: undefined }), method, uri, (rules, m, target) => {
        const policy = rules === undefined ? undefined : compile(rules)
        const access = decideAccess(policy, m, target)
        if (access === 'deny') return
        decided++
        expectNormal(target)
        const query = target.indexOf('?')
        const upstream = new URL(target, 'http://upstream.test')
        const seen = upstream.pathname + (query === -1 ? '' : target.slice(query))
        expect(decideAccess(policy, m, seen)).toBe(access)
      }),
      { numRuns: 3000 },
    )
    expect(decided).toBeGreaterThan(60)
  })
})
