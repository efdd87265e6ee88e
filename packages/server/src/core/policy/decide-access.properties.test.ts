import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  compile,
  methodArb,
  referenceDecide,
  referenceMatch,
  requestPathArb,
  ruleArb,
  rulesArb,
  segmentArb,
} from '../../../test/support/route-policy-arbitraries.js'
import { decideAccess } from './decide-access.js'

describe('decideAccess properties', () => {
  it('property: without a policy the decision depends only on the method', () => {
    fc.assert(
      fc.property(methodArb, requestPathArb, requestPathArb, (method, a, b) => {
        const upper = method.toUpperCase()
        const expected = upper === 'GET' || upper === 'HEAD' || upper === 'OPTIONS' ? 'read' : 'trade'
        expect(decideAccess(undefined, method, a)).toBe(expected)
        expect(decideAccess(undefined, method, b)).toBe(expected)
      }),
    )
  })

  it('property: a policy decides as the first match of a naive loop over regular expressions', () => {
    fc.assert(
      fc.property(rulesArb, methodArb, requestPathArb, (rules, method, path) => {
        expect(decideAccess(compile(rules), method, path)).toBe(referenceDecide(rules, method, path))
      }),
      { numRuns: 2000 },
    )
  })

  it('property: a {param} takes exactly one non-empty segment', () => {
    const policy = compile([{ path: '/a/{p}/b', access: 'public' }])
    fc.assert(
      fc.property(fc.array(segmentArb, { maxLength: 3 }), (segments) => {
        const expected = segments.length === 1 ? 'public' : 'deny'
        expect(decideAccess(policy, 'GET', `/a/${segments.join('/')}/b`)).toBe(expected)
      }),
    )
  })

  it('attack: an inserted dot segment or encoded slash is denied under any policy', () => {
    const evasions = ['.', '..', '%2e', '%2E', '.%2e', '%2E.', '%2e%2E', 'x%2fy', '%2F', 'x%5cy', '%5C', '']
    fc.assert(
      fc.property(
        fc.option(rulesArb.map((rules) => [...rules, { path: '/*', access: 'public' } as const])),
        requestPathArb,
        fc.nat(),
        fc.constantFrom(...evasions),
        (rules, path, at, evasion) => {
          const [pathname, ...query] = path.split('?')
          const segments = pathname!.split('/')
          // An empty segment appended would only be a trailing slash: keep it before the last.
          segments.splice(1 + (at % (segments.length - (evasion === '' ? 1 : 0))), 0, evasion)
          const evasive = [segments.join('/'), ...query].join('?')
          expect(decideAccess(rules === null ? undefined : compile(rules), 'GET', evasive)).toBe('deny')
        },
      ),
    )
  })

  it('property: a rule added at the end never changes a decision an earlier rule made', () => {
    fc.assert(
      fc.property(rulesArb, ruleArb, methodArb, requestPathArb, (rules, extra, method, path) => {
        fc.pre(referenceMatch(rules, method, path) !== -1)
        expect(decideAccess(compile([...rules, extra]), method, path)).toBe(
          decideAccess(compile(rules), method, path),
        )
      }),
    )
  })

  it('property: never throws, whatever the strings', () => {
    const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), requestPathArb)
    fc.assert(
      fc.property(fc.option(rulesArb), anyString, anyString, (rules, method, path) => {
        const access = decideAccess(rules === null ? undefined : compile(rules), method, path)
        expect(['public', 'read', 'trade', 'session', 'deny']).toContain(access)
      }),
    )
  })
})
