/**
 * A request target split into raw (still percent-encoded) path segments, or `undefined` when it is
 * malformed. Malformed is refused rather than repaired: an upstream may normalise a repaired path
 * differently from how it was decided (`/public/..%2fprivate`, `/a%2fb`, `/a\b`), so anything an
 * upstream could read as another path is not decided at all.
 */

export interface RequestPath {
  /** Raw segments, each non-empty; `/` has none. */
  readonly segments: readonly string[]
  /** The path ends in `/` after at least one segment (`/a/`); it is another path than `/a`. */
  readonly trailingSlash: boolean
}

/** Visible ASCII (no space, no control character, nothing above 0x7e), and no `#`. */
const TARGET = /^[\x21\x22\x24-\x7e]+$/
/** RFC 3986 `pchar`: unreserved, sub-delims, `:`, `@`, and `%XX` (checked further below). */
const SEGMENT = /^(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})+$/
/** Percent-encoded characters that would change the path once decoded: unreserved (so dot segments
 * and other spellings of a literal), `/` and `\`. */
const FORBIDDEN_ESCAPE = /%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DdEeFf]|5[CcFf]|7[Ee])/

/**
 * Percent-escapes that decode to valid UTF-8. decodeURIComponent refuses overlong forms (`%c0%ae`,
 * a `.` to a lenient decoder), lone continuation bytes and surrogates, which is the whole check.
 */
function isUtf8Escaped(segment: string): boolean {
  try {
    decodeURIComponent(segment)
    return true
  } catch {
    return false
  }
}

/**
 * Splits a request target (origin form: path and optional query) into its path segments.
 *
 * The query (from the first `?`) is not part of the decision and is only checked for characters.
 * Refused (`undefined`): an empty target or one whose path does not start with `/` (asterisk form,
 * absolute form), a `#` anywhere (a fragment never reaches a server), any control character, space
 * or non-ASCII character, an empty segment (`//`, including `//` at the start), a dot segment
 * (`.`, `..`), a raw `\` or any other character outside RFC 3986 `pchar`, malformed percent-encoding
 * (`%`, `%4`, `%zz`), and a percent-encoded unreserved character, `/` or `\` (`%2e`, `%2F`, `%5c`,
 * `%41`, any case: RFC 3986 says unreserved characters are never encoded, so only an evasion does it),
 * and escapes that do not decode to UTF-8 (an overlong `%c0%ae` is a dot to a lenient decoder).
 */
export function parseRequestPath(target: string): RequestPath | undefined {
  if (typeof target !== 'string' || !TARGET.test(target)) return undefined
  const query = target.indexOf('?')
  const path = query === -1 ? target : target.slice(0, query)
  if (!path.startsWith('/')) return undefined
  if (path === '/') return { segments: [], trailingSlash: false }
  const segments = path.slice(1).split('/')
  const trailingSlash = segments.at(-1) === ''
  if (trailingSlash) segments.pop()
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..' || FORBIDDEN_ESCAPE.test(segment))
      return undefined
    if (segment.includes('%') && !isUtf8Escaped(segment)) return undefined
  }
  return { segments, trailingSlash }
}
