import { matchPathPattern } from './path-pattern.js'
import { parseRequestPath } from './request-path.js'
import { type Access, type CompiledRoutePolicy, HTTP_TOKEN } from './route-policy.js'

/** Without a policy, methods that only read (RFC 9110 safe methods a gateway forwards) need `read`. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Decides what a request needs, from data only (pure, never throws).
 *
 * - Malformed requests are `deny` with or without a policy: a method that is not an HTTP token, or a
 *   target parseRequestPath refuses (not absolute, `#`, dot segments, encoded `/` `\` or unreserved
 *   characters, `//`, control or non-ASCII characters, bad `%`). Refused, never guessed: a path an
 *   upstream could normalise into another one must not be decided as the one it looks like.
 * - Without a policy (`undefined`): GET, HEAD and OPTIONS need `read`, every other method `trade`.
 * - With a policy: the first rule, in declaration order, whose methods include the method (compared
 *   upper-cased; a rule naming GET also takes HEAD) and whose pattern matches the path decides. A
 *   path no rule names is `deny`. The query string is ignored; paths are compared raw (still
 *   percent-encoded) and case-sensitively, and `/a/` is another path than `/a`.
 *
 * The decision holds for the path as Sigil sees it. An upstream that folds case or strips `;`
 * parameters may see another route, so prefer rules that grant over rules that deny ahead of a
 * broad grant: a path no rule names is denied whatever its spelling.
 */
export function decideAccess(policy: CompiledRoutePolicy | undefined, method: string, path: string): Access {
  if (typeof method !== 'string' || !HTTP_TOKEN.test(method)) return 'deny'
  const request = parseRequestPath(path)
  if (request === undefined) return 'deny'
  const upper = method.toUpperCase()
  if (policy === undefined) return READ_METHODS.has(upper) ? 'read' : 'trade'
  for (const rule of policy.byMethod.get(upper) ?? policy.anyMethod) {
    if (matchPathPattern(rule.pattern, request)) return rule.access
  }
  return 'deny'
}
