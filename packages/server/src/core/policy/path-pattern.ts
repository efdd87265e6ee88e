/**
 * Path patterns of a route policy, compiled once so that matching a request is a few string
 * comparisons.
 *
 * Grammar (strict; anything else is refused at compile time, never guessed):
 * - absolute: starts with `/`; `/` alone is the root and matches only the path `/`;
 * - `/`-separated segments, none empty (no `//`);
 * - a literal segment is `[A-Za-z0-9._~-]+` (RFC 3986 unreserved characters), and not `.` or `..`.
 *   Unreserved only, so that a literal can never be spelled another way: a request that
 *   percent-encodes an unreserved character is refused (see parseRequestPath), hence a request whose
 *   path *decodes* to a literal also *is* that literal, and a rule cannot be sidestepped by encoding;
 * - `{name}` with `name` in `[a-z_][a-z0-9_]*`, unique within the pattern: exactly one non-empty
 *   segment of any value (it never spans a `/`);
 * - `*`, only as the last segment: one or more remaining non-empty segments, and a trailing slash
 *   after them (`/v1/*` matches `/v1/a`, `/v1/a/b`, `/v1/a/`, not `/v1` nor `/v1/`);
 * - a trailing slash is part of the path: `/a/` matches the path `/a/` only, and `/a` only `/a`.
 */
import { ok, type Result, reject } from '@sigil/protocol'
import type { RequestPath } from './request-path.js'

/** One segment of a compiled pattern: a literal to compare raw, or a `{name}` that takes any. */
export type SegmentMatcher = { literal: string } | { param: string }

export interface PathPattern {
  readonly segments: readonly SegmentMatcher[]
  /** The pattern ends in `*`: at least one more segment (and an optional trailing slash). */
  readonly rest: boolean
  /** The pattern ends in `/` (never together with `rest`). */
  readonly trailingSlash: boolean
}

/** Long enough for any real route, short enough that a pasted blob is refused. */
export const MAX_PATTERN_LENGTH = 1024

const LITERAL = /^[A-Za-z0-9._~-]+$/
const PARAM = /^\{([a-z_][a-z0-9_]*)\}$/

const show = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text)

/** Parses a pattern (grammar above); the reason says what is wrong, without the rule index. */
export function compilePathPattern(pattern: string): Result<PathPattern, string> {
  if (typeof pattern !== 'string') return reject('path is not a string')
  if (pattern.length > MAX_PATTERN_LENGTH) return reject(`path is longer than ${MAX_PATTERN_LENGTH}`)
  if (!pattern.startsWith('/')) return reject(`path ${show(pattern)} is not absolute (must start with /)`)
  if (pattern === '/') return ok({ segments: [], rest: false, trailingSlash: false })
  const parts = pattern.slice(1).split('/')
  const trailingSlash = parts.at(-1) === ''
  if (trailingSlash) parts.pop()
  const segments: SegmentMatcher[] = []
  const names = new Set<string>()
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1
    if (part === '') return reject(`path ${show(pattern)} has an empty segment`)
    if (part === '*') {
      if (!last) return reject(`path ${show(pattern)}: * is allowed only as the last segment`)
      if (trailingSlash) return reject(`path ${show(pattern)}: * cannot be followed by /`)
      return ok({ segments, rest: true, trailingSlash: false })
    }
    const param = PARAM.exec(part)?.[1]
    if (param !== undefined) {
      if (names.has(param)) return reject(`path ${show(pattern)} repeats {${param}}`)
      names.add(param)
      segments.push({ param })
    } else if (part === '.' || part === '..') {
      return reject(`path ${show(pattern)} has a dot segment`)
    } else if (LITERAL.test(part)) {
      segments.push({ literal: part })
    } else {
      return reject(
        `path ${show(pattern)}: segment ${show(part)} is neither a literal of [A-Za-z0-9._~-], a {name} of [a-z_][a-z0-9_]*, nor a last *`,
      )
    }
  }
  return ok({ segments, rest: false, trailingSlash })
}

/** Whether a well-formed request path (already split, see parseRequestPath) matches a pattern. */
export function matchPathPattern(pattern: PathPattern, path: RequestPath): boolean {
  const { segments } = pattern
  if (pattern.rest) {
    if (path.segments.length <= segments.length) return false
  } else if (path.segments.length !== segments.length || path.trailingSlash !== pattern.trailingSlash) {
    return false
  }
  for (let i = 0; i < segments.length; i++) {
    const matcher = segments[i]!
    // A {param} takes any segment: request segments are never empty.
    if ('literal' in matcher && matcher.literal !== path.segments[i]) return false
  }
  return true
}
