/**
 * A route policy as data: which credential a method and path need. Rules come from configuration
 * (or a dialect), so they are validated strictly once, at boot, and compiled for matching on every
 * request; a rule that could be read two ways is refused with its index, never guessed.
 */
import { ok, type Result, reject } from '@sigil/protocol'
import { compilePathPattern, type PathPattern } from './path-pattern.js'

/**
 * What a route needs: `public` nothing, `read` / `trade` a credential with that scope, `session` a
 * browser session, `deny` refused whoever asks.
 */
export type Access = 'public' | 'read' | 'trade' | 'session' | 'deny'

export const ACCESS_VALUES: readonly Access[] = ['public', 'read', 'trade', 'session', 'deny']

/** One rule as configured. The first rule (in declaration order) that matches a request decides. */
export interface RouteRule {
  /**
   * Upper-case HTTP methods (RFC 9110 tokens); absent or `['*']` is any method. A rule naming `GET`
   * also matches `HEAD` (a HEAD is a GET without the body, so it needs what the GET needs).
   */
  methods?: readonly string[]
  /** Path pattern: see path-pattern.ts (`/v1/bbo/{market}`, `/v1/*`). */
  path: string
  access: Access
}

interface CompiledRule {
  readonly pattern: PathPattern
  readonly access: Access
}

declare const compiled: unique symbol

/**
 * A validated policy, only made by compileRoutePolicy. For each method named by some rule, the rules
 * that apply to it in declaration order; any other method sees only the any-method rules.
 */
export interface CompiledRoutePolicy {
  readonly byMethod: ReadonlyMap<string, readonly CompiledRule[]>
  readonly anyMethod: readonly CompiledRule[]
  readonly [compiled]: true
}

/** A bound on boot time and on a mistaken paste, far above any real venue's route table. */
export const MAX_RULES = 1000

/** RFC 9110 `token`: the grammar of a method name. */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

function compileMethods(methods: RouteRule['methods']): Result<string[] | 'any', string> {
  if (methods === undefined) return ok('any')
  if (!Array.isArray(methods) || methods.length === 0) return reject('methods must be a non-empty list')
  if (methods.length === 1 && methods[0] === '*') return ok('any')
  const names = new Set<string>()
  for (const method of methods) {
    if (typeof method !== 'string' || method === '*' || !HTTP_TOKEN.test(method))
      return reject(`method ${JSON.stringify(method)} is not an HTTP method name (or * alone)`)
    if (method !== method.toUpperCase()) return reject(`method ${JSON.stringify(method)} is not upper-case`)
    if (names.has(method)) return reject(`method ${method} is listed twice`)
    names.add(method)
  }
  if (names.has('GET')) names.add('HEAD')
  return ok([...names])
}

/**
 * Validates and compiles rules. The reason names the first wrong rule by its index:
 * `rule 3: path "/a//b" has an empty segment`.
 *
 * @example
 * ```ts
 * const policy = compileRoutePolicy([
 *   { methods: ['GET'], path: '/v1/markets', access: 'public' },
 *   { path: '/v1/*', access: 'trade' },
 * ])
 * if (!policy.ok) throw new Error(`route policy: ${policy.reason}`)
 * ```
 */
export function compileRoutePolicy(rules: readonly RouteRule[]): Result<CompiledRoutePolicy, string> {
  if (!Array.isArray(rules)) return reject('rules must be a list')
  if (rules.length > MAX_RULES) return reject(`at most ${MAX_RULES} rules, got ${rules.length}`)
  const compiledRules: { methods: string[] | 'any'; rule: CompiledRule }[] = []
  for (const [index, rule] of rules.entries()) {
    if (typeof rule !== 'object' || rule === null) return reject(`rule ${index}: not an object`)
    const methods = compileMethods(rule.methods)
    if (!methods.ok) return reject(`rule ${index}: ${methods.reason}`)
    const pattern = compilePathPattern(rule.path)
    if (!pattern.ok) return reject(`rule ${index}: ${pattern.reason}`)
    if (!ACCESS_VALUES.includes(rule.access))
      return reject(
        `rule ${index}: access ${JSON.stringify(rule.access)} is not one of ${ACCESS_VALUES.join(', ')}`,
      )
    compiledRules.push({ methods: methods.value, rule: { pattern: pattern.value, access: rule.access } })
  }
  const byMethod = new Map<string, CompiledRule[]>()
  for (const { methods } of compiledRules)
    if (methods !== 'any') for (const method of methods) byMethod.set(method, [])
  const anyMethod: CompiledRule[] = []
  for (const { methods, rule } of compiledRules) {
    if (methods === 'any') {
      anyMethod.push(rule)
      for (const list of byMethod.values()) list.push(rule)
    } else {
      for (const method of methods) byMethod.get(method)!.push(rule)
    }
  }
  return ok({ byMethod, anyMethod } as unknown as CompiledRoutePolicy)
}
