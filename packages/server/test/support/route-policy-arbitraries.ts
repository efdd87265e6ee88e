/**
 * Generators and a naive reference for route-policy property tests. The reference is written
 * independently of the implementation: a regular expression per rule, tried in a plain loop.
 */
import fc from 'fast-check'
import {
  ACCESS_VALUES,
  type Access,
  type CompiledRoutePolicy,
  compileRoutePolicy,
  type RouteRule,
} from '../../src/core/policy/route-policy.js'

/** Few literals, shared by patterns and requests, so that generated rules often match. */
export const LITERALS = ['v1', 'a', 'b', 'markets', 'x-y', 'A', 'a.b', '~u']
/** Well-formed request segments that no pattern literal names (yet a {param} or * takes). */
const OTHER_SEGMENTS = ['zz', '%20', 'BTC-USD-PERP', 'a:b', "it's", '%C3%A9', '%3F', '...']

export const patternArb: fc.Arbitrary<string> = fc
  .record({
    parts: fc.array(fc.oneof(fc.constantFrom(...LITERALS), fc.constant('{}')), { maxLength: 4 }),
    end: fc.constantFrom('', '/', '/*'),
  })
  .map(({ parts, end }) => {
    const named = parts.map((part, i) => (part === '{}' ? `{p${i}}` : part))
    if (named.length === 0) return end === '/*' ? '/*' : '/'
    return `/${named.join('/')}${end}`
  })

export const ruleMethodsArb = fc.oneof(
  fc.constant(['*']),
  fc.uniqueArray(fc.constantFrom('GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS'), { minLength: 1 }),
)

export const ruleArb: fc.Arbitrary<RouteRule> = fc.record(
  { methods: ruleMethodsArb, path: patternArb, access: fc.constantFrom(...ACCESS_VALUES) },
  { requiredKeys: ['path', 'access'] },
)

export const rulesArb = fc.array(ruleArb, { maxLength: 8 })

export const methodArb = fc.constantFrom('GET', 'HEAD', 'POST', 'DELETE', 'OPTIONS', 'PATCH', 'get', 'Post')

export const segmentArb = fc.constantFrom(...LITERALS, ...OTHER_SEGMENTS)

/** Well-formed request targets: raw segments, maybe a trailing slash, maybe a query. */
export const requestPathArb: fc.Arbitrary<string> = fc
  .record({
    segments: fc.array(segmentArb, { maxLength: 5 }),
    trailingSlash: fc.boolean(),
    query: fc.constantFrom('', '?', '?x=1', '?next=/a/../b%2f', '??/'),
  })
  .map(({ segments, trailingSlash, query }) =>
    segments.length === 0 ? `/${query}` : `/${segments.join('/')}${trailingSlash ? '/' : ''}${query}`,
  )

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The pattern grammar of path-pattern.ts as a regular expression over the raw path. */
export function patternRegex(pattern: string): RegExp {
  if (pattern === '/') return /^\/$/
  const trailing = pattern.endsWith('/')
  const parts = pattern.slice(1, trailing ? -1 : undefined).split('/')
  const body = parts
    .map((part) => {
      if (part === '*') return '(?:/[^/]+)+/?'
      if (part.startsWith('{')) return '/[^/]+'
      return `/${escapeRegex(part)}`
    })
    .join('')
  return new RegExp(`^${body}${trailing ? '/' : ''}$`)
}

/** Index of the first rule that takes a well-formed request, or -1. */
export function referenceMatch(rules: readonly RouteRule[], method: string, target: string): number {
  const upper = method.toUpperCase()
  const path = target.split('?')[0]!
  return rules.findIndex((rule) => {
    const methods = rule.methods
    const takes =
      methods === undefined ||
      (methods.length === 1 && methods[0] === '*') ||
      methods.includes(upper) ||
      (upper === 'HEAD' && methods.includes('GET'))
    return takes && patternRegex(rule.path).test(path)
  })
}

export function referenceDecide(rules: readonly RouteRule[], method: string, target: string): Access {
  const index = referenceMatch(rules, method, target)
  return index === -1 ? 'deny' : rules[index]!.access
}

/** Compiles rules a test knows to be valid; a refusal is a failure of the test. */
export function compile(rules: readonly RouteRule[]): CompiledRoutePolicy {
  const policy = compileRoutePolicy(rules)
  if (!policy.ok) throw new Error(policy.reason)
  return policy.value
}
