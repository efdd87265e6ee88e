import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { rulesArb } from '../../../test/support/route-policy-arbitraries.js'
import { compileRoutePolicy, MAX_RULES, type RouteRule } from './route-policy.js'

const reasonOf = (rules: readonly RouteRule[]) => {
  const result = compileRoutePolicy(rules)
  return result.ok ? 'ok' : result.reason
}

describe('compileRoutePolicy', () => {
  it('default: per-method lists keep declaration order and include the any-method rules', () => {
    const result = compileRoutePolicy([
      { methods: ['POST'], path: '/a', access: 'trade' },
      { path: '/b', access: 'read' },
      { methods: ['GET'], path: '/c', access: 'public' },
    ])
    if (!result.ok) throw new Error(result.reason)
    const paths = (method: string) =>
      (result.value.byMethod.get(method) ?? []).map((r) =>
        r.pattern.segments.map((s) => ('literal' in s ? s.literal : '')),
      )
    expect([...result.value.byMethod.keys()].sort()).toEqual(['GET', 'HEAD', 'POST'])
    expect(paths('POST')).toEqual([['a'], ['b']])
    expect(paths('GET')).toEqual([['b'], ['c']])
    expect(paths('HEAD')).toEqual([['b'], ['c']])
    expect(result.value.anyMethod.map((r) => r.access)).toEqual(['read'])
  })

  it('behavior: an empty policy compiles (and denies everything)', () => {
    expect(reasonOf([])).toBe('ok')
    expect(reasonOf([{ methods: ['*'], path: '/', access: 'deny' }])).toBe('ok')
  })

  it('attack: a wrong rule is refused, naming its index and what is wrong', () => {
    const good: RouteRule = { path: '/a', access: 'read' }
    const refuse = (rule: unknown) => reasonOf([good, rule as RouteRule])
    expect(refuse({ path: '/a//b', access: 'read' })).toBe('rule 1: path "/a//b" has an empty segment')
    expect(refuse({ methods: [], path: '/a', access: 'read' })).toBe(
      'rule 1: methods must be a non-empty list',
    )
    expect(refuse({ methods: ['get'], path: '/a', access: 'read' })).toBe(
      'rule 1: method "get" is not upper-case',
    )
    expect(refuse({ methods: ['GET', '*'], path: '/a', access: 'read' })).toContain('rule 1: method "*"')
    expect(refuse({ methods: ['GE T'], path: '/a', access: 'read' })).toContain(
      'rule 1: method "GE T" is not',
    )
    expect(refuse({ methods: ['GET', 'GET'], path: '/a', access: 'read' })).toBe(
      'rule 1: method GET is listed twice',
    )
    expect(refuse({ path: '/a', access: 'admin' })).toContain('rule 1: access "admin" is not one of')
    expect(refuse({ path: 7, access: 'read' })).toBe('rule 1: path is not a string')
    expect(refuse(null)).toBe('rule 1: not an object')
    expect(reasonOf(Array(MAX_RULES + 1).fill(good))).toBe(`at most ${MAX_RULES} rules, got ${MAX_RULES + 1}`)
    expect(reasonOf(Array(MAX_RULES).fill(good))).toBe('ok')
  })

  it('property: generated policies compile', () => {
    fc.assert(
      fc.property(rulesArb, (rules) => {
        expect(reasonOf(rules)).toBe('ok')
      }),
    )
  })
})
