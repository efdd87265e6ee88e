/**
 * RFC 9421 §2.5: the signature base of a request for a list of covered components. Only what Sigil
 * accepts is implemented, and everything else is refused rather than approximated:
 * - derived components `@method`, `@authority`, `@path`, `@query`, `@target-uri`, `@scheme`,
 *   `@request-target` (§2.2); `@query-param` and `@status` are refused;
 * - header fields by their lower-case name (§2.1), raw values only: any component parameter
 *   (`sf`, `key`, `bs`, `req`, `tr`, `name`) is refused, since each changes the value's meaning;
 * - a component listed twice, an upper-case name, or `@signature-params` itself are refused
 *   (§2.5 step 1: duplicates MUST fail; §2.1: names are lower case).
 */
import type { BareItem } from 'structured-headers'
import { ok, type Result, reject } from '../result.js'
import type { SignedRequest } from './signed-request.js'

export type SignatureBaseReason = 'invalid_component' | 'missing_covered_field' | 'invalid_request_target'

const DEFAULT_PORT = { https: '443', http: '80' } as const

/** RFC 9110 §4.2.3: host lower-cased, the scheme's default port removed. */
export function normaliseAuthority(authority: string, scheme: 'https' | 'http'): string | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:@/?#[\]\s]+)(?::([0-9]{1,5}))?$/.exec(authority)
  if (match === null) return undefined
  const host = match[1]!.toLowerCase()
  const port = match[2]
  if (port === undefined || port === DEFAULT_PORT[scheme]) return host
  return `${host}:${port}`
}

/** Field name token (RFC 9110 §5.1), lower case only. */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/

/**
 * §2.1: each field line's value with leading and trailing whitespace removed and obs-fold (a line
 * break followed by whitespace) replaced by one space, lines joined with `, ` in order.
 */
export function canonicalFieldValue(lines: string | readonly string[]): string {
  const list = typeof lines === 'string' ? [lines] : lines
  return list.map((line) => line.replace(/\r?\n[ \t]+/g, ' ').replace(/^[ \t]+|[ \t]+$/g, '')).join(', ')
}

/** Header lines by lower-case name; names differing only in case are one field (lines in order). */
function indexHeaders(headers: SignedRequest['headers']): Map<string, string[]> {
  const index = new Map<string, string[]>()
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const key = name.toLowerCase()
    const lines = index.get(key) ?? []
    lines.push(...(typeof value === 'string' ? [value] : value))
    index.set(key, lines)
  }
  return index
}

export interface CoveredComponent {
  name: string
  parameters: ReadonlyMap<string, BareItem>
}

/**
 * Builds the base: one `"name": value` line per covered component, then the `@signature-params`
 * line with `serializedParams` (the canonical inner list, see parse-signature-fields.ts). Lines are
 * joined with LF and there is no trailing newline.
 */
export function buildSignatureBase(
  request: SignedRequest,
  components: readonly CoveredComponent[],
  serializedParams: string,
): Result<string, SignatureBaseReason> {
  const target = request.target
  if (!target.startsWith('/') || /[\s#]/.test(target)) return reject('invalid_request_target')
  const queryStart = target.indexOf('?')
  const path = queryStart === -1 ? target : target.slice(0, queryStart)
  const query = queryStart === -1 ? '?' : target.slice(queryStart)
  const authority = normaliseAuthority(request.authority, request.scheme)
  if (authority === undefined) return reject('invalid_request_target')
  const derived: Record<string, string> = {
    '@method': request.method,
    '@authority': authority,
    '@scheme': request.scheme,
    // The target URI as reconstructed from what was sent (RFC 9110 §7.1): only `@authority` is
    // normalised by RFC 9421 (§2.2.3), so the authority appears here as the client sent it.
    '@target-uri': `${request.scheme}://${request.authority}${target}`,
    '@request-target': target,
    '@path': path,
    '@query': query,
  }
  const headers = indexHeaders(request.headers)
  const seen = new Set<string>()
  const lines: string[] = []
  for (const { name, parameters } of components) {
    if (parameters.size > 0 || seen.has(name)) return reject('invalid_component')
    seen.add(name)
    let value: string | undefined
    if (name.startsWith('@')) {
      value = Object.hasOwn(derived, name) ? derived[name] : undefined
      if (value === undefined) return reject('invalid_component')
    } else {
      if (!FIELD_NAME.test(name)) return reject('invalid_component')
      const fieldLines = headers.get(name)
      if (fieldLines === undefined) return reject('missing_covered_field')
      value = canonicalFieldValue(fieldLines)
    }
    // A value with a line break would forge extra lines in the base (§2.5 step 2.4 forbids it).
    if (/[\r\n]/.test(value)) return reject('invalid_component')
    lines.push(`"${name}": ${value}`)
  }
  lines.push(`"@signature-params": ${serializedParams}`)
  return ok(lines.join('\n'))
}
