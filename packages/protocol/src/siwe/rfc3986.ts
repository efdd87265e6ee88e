/**
 * RFC 3986 (URI Generic Syntax) recognisers used by EIP-4361: §3 `URI`, §3.1 `scheme`,
 * §3.2 `authority` (`userinfo`, `host` = IP-literal / IPv4address / reg-name, `port`), §3.3 path
 * segments, §3.4 `query`, §3.5 `fragment`, §2.1 `pct-encoded`.
 *
 * Hand-written scanners over char codes: linear time, no backtracking regexes, no allocation
 * except where an authority's parts are returned. Everything outside US-ASCII is rejected
 * (RFC 3986 URIs are ASCII; IRIs are not accepted), which is what stops RTLO/homoglyph tricks.
 *
 * One deliberate leniency: inside an IPv6 literal, the trailing IPv4 part accepts dec-octets with
 * leading zeros (`[::000.000.010.001]`). RFC 3986's `dec-octet` forbids them, but the EIP-4361
 * conformance vectors (spruceid/siwe PR 200 `valid_uris.json`) require them; values above 255
 * are still rejected. A top-level host like `010.0.00.000` is a valid `reg-name` anyway.
 */

const UNRESERVED = 1
const SUB_DELIM = 2
const COLON = 4
const AT = 8
const SLASH = 16
const QUESTION = 32

const TABLE = new Uint8Array(128)
for (let c = 0x30; c <= 0x39; c++) TABLE[c] = UNRESERVED
for (let c = 0x41; c <= 0x5a; c++) TABLE[c] = UNRESERVED
for (let c = 0x61; c <= 0x7a; c++) TABLE[c] = UNRESERVED
for (const ch of '-._~') TABLE[ch.charCodeAt(0)] = UNRESERVED
for (const ch of "!$&'()*+,;=") TABLE[ch.charCodeAt(0)] = SUB_DELIM
TABLE[0x3a] = COLON
TABLE[0x40] = AT
TABLE[0x2f] = SLASH
TABLE[0x3f] = QUESTION

const REG_NAME = UNRESERVED | SUB_DELIM
const USERINFO = REG_NAME | COLON
const PCHAR = USERINFO | AT
const QUERY = PCHAR | SLASH | QUESTION

function isHexCode(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66)
}

function isAlpha(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

/** True iff text[from, to) is a sequence of chars in `mask`, plus `pct-encoded` when `pct`. */
function scan(text: string, from: number, to: number, mask: number, pct: boolean): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    if (c < 128 && (TABLE[c]! & mask) !== 0) continue
    if (
      pct &&
      c === 0x25 &&
      i + 2 < to &&
      isHexCode(text.charCodeAt(i + 1)) &&
      isHexCode(text.charCodeAt(i + 2))
    ) {
      i += 2
      continue
    }
    return false
  }
  return true
}

function allDigits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isDigit(text.charCodeAt(i))) return false
  return true
}

function isSchemeRange(text: string, from: number, to: number): boolean {
  if (to <= from || !isAlpha(text.charCodeAt(from))) return false
  for (let i = from + 1; i < to; i++) {
    const c = text.charCodeAt(i)
    if (!(isAlpha(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e)) return false
  }
  return true
}

/** §3.1 `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` */
export function isScheme(text: string): boolean {
  return isSchemeRange(text, 0, text.length)
}

/** §2.1 `pct-encoded = "%" HEXDIG HEXDIG` (exactly one triplet) */
export function isPctEncoded(text: string): boolean {
  return text.length === 3 && text.charCodeAt(0) === 0x25 && scan(text, 0, 3, 0, true)
}

/** §3.2.1 `userinfo = *( unreserved / pct-encoded / sub-delims / ":" )` */
export function isUserinfo(text: string): boolean {
  return scan(text, 0, text.length, USERINFO, true)
}

/** §3.2.2 `reg-name = *( unreserved / pct-encoded / sub-delims )` */
export function isRegName(text: string): boolean {
  return scan(text, 0, text.length, REG_NAME, true)
}

/** §3.3 `segment = *pchar` */
export function isSegment(text: string): boolean {
  return scan(text, 0, text.length, PCHAR, true)
}

/** §3.3 `segment-nz = 1*pchar` */
export function isSegmentNz(text: string): boolean {
  return text.length > 0 && isSegment(text)
}

/** §3.4/§3.5 `query = fragment = *( pchar / "/" / "?" )` */
export function isFragment(text: string): boolean {
  return scan(text, 0, text.length, QUERY, true)
}

/** §3.2.2 `IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )` (ABNF "v" is case-insensitive) */
export function isIpvFuture(text: string): boolean {
  if ((text.charCodeAt(0) | 0x20) !== 0x76) return false
  const dot = text.indexOf('.', 1)
  if (dot < 2 || dot === text.length - 1) return false
  for (let i = 1; i < dot; i++) if (!isHexCode(text.charCodeAt(i))) return false
  return scan(text, dot + 1, text.length, USERINFO, false)
}

/** Dotted quad of 1-3 digit octets <= 255 in text[from, to) (leading zeros allowed, see header). */
function isIpv4Range(text: string, from: number, to: number): boolean {
  let start = from
  for (let part = 0; part < 4; part++) {
    let end = text.indexOf('.', start)
    if (part === 3) end = to
    if (end < 0 || end > to) return false
    const len = end - start
    if (len < 1 || len > 3 || !allDigits(text, start, end)) return false
    if (Number(text.slice(start, end)) > 255) return false
    start = end + 1
  }
  return true
}

/** §3.2.2 `IPv4address` (see the header for the leading-zero leniency). */
export function isIpv4Address(text: string): boolean {
  return isIpv4Range(text, 0, text.length)
}

/**
 * Number of 16-bit groups in `h16 *( ":" h16 )` over text[from, to), where the last item may be
 * an IPv4 address (2 groups) when `allowIpv4`; -1 when malformed.
 */
function countGroups(text: string, from: number, to: number, allowIpv4: boolean): number {
  let count = 0
  let start = from
  for (;;) {
    let end = text.indexOf(':', start)
    if (end < 0 || end > to) end = to
    if (end === to && allowIpv4 && isIpv4Range(text, start, to)) return count + 2
    const len = end - start
    if (len < 1 || len > 4) return -1
    for (let i = start; i < end; i++) if (!isHexCode(text.charCodeAt(i))) return -1
    count++
    if (end === to) return count
    start = end + 1
  }
}

/**
 * §3.2.2 `IPv6address` (the nine RFC 3986 forms): without `::` exactly 8 groups (an IPv4 tail
 * counts as 2); with one `::` at most 7 explicit groups, an IPv4 tail only on its right.
 */
export function isIpv6Address(text: string): boolean {
  const gap = text.indexOf('::')
  if (gap < 0) return countGroups(text, 0, text.length, true) === 8
  if (text.indexOf('::', gap + 1) >= 0) return false
  const left = gap === 0 ? 0 : countGroups(text, 0, gap, false)
  const right = gap + 2 === text.length ? 0 : countGroups(text, gap + 2, text.length, true)
  return left >= 0 && right >= 0 && left + right <= 7
}

/** The parts of an RFC 3986 authority, as written (no normalisation). */
export interface Authority {
  userinfo?: string
  /** reg-name, IPv4address, or IP-literal including its brackets; may be empty per RFC 3986. */
  host: string
  /** digits, possibly empty (`host:`), absent when there is no `:` */
  port?: string
}

function parseAuthorityRange(text: string, from: number, to: number): Authority | undefined {
  let hostStart = from
  let userinfo: string | undefined
  // userinfo and host cannot contain "@", so the first "@" is the delimiter (a second one fails the host).
  const at = text.indexOf('@', from)
  if (at >= 0 && at < to) {
    if (!scan(text, from, at, USERINFO, true)) return undefined
    userinfo = text.slice(from, at)
    hostStart = at + 1
  }
  let hostEnd: number
  if (hostStart < to && text.charCodeAt(hostStart) === 0x5b) {
    const close = text.indexOf(']', hostStart)
    if (close < 0 || close >= to) return undefined
    const literal = text.slice(hostStart + 1, close)
    if (!isIpv6Address(literal) && !isIpvFuture(literal)) return undefined
    hostEnd = close + 1
    if (hostEnd < to && text.charCodeAt(hostEnd) !== 0x3a) return undefined
  } else {
    let colon = text.indexOf(':', hostStart)
    if (colon < 0 || colon > to) colon = to
    if (!scan(text, hostStart, colon, REG_NAME, true)) return undefined
    hostEnd = colon
  }
  const authority: Authority = { host: text.slice(hostStart, hostEnd) }
  if (userinfo !== undefined) authority.userinfo = userinfo
  if (hostEnd < to) {
    if (!allDigits(text, hostEnd + 1, to)) return undefined
    authority.port = text.slice(hostEnd + 1, to)
  }
  return authority
}

/**
 * §3.2 `authority = [ userinfo "@" ] host [ ":" port ]`, split into its parts; undefined when
 * `text` is not an authority.
 */
export function parseAuthority(text: string): Authority | undefined {
  return parseAuthorityRange(text, 0, text.length)
}

/** §3.2 `authority` (note that RFC 3986 allows an empty one). */
export function isAuthority(text: string): boolean {
  return parseAuthority(text) !== undefined
}

/**
 * §3 `URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]`: an absolute URI, scheme
 * required (relative references are not URIs).
 *
 * @example
 * isUri('https://app.example/login?x=1#top') // true
 * isUri('://app.example') // false
 */
export function isUri(text: string): boolean {
  const colon = text.indexOf(':')
  if (colon < 0 || !isSchemeRange(text, 0, colon)) return false
  let end = text.length
  const hash = text.indexOf('#', colon + 1)
  if (hash >= 0) {
    if (!scan(text, hash + 1, end, QUERY, true)) return false
    end = hash
  }
  const question = text.indexOf('?', colon + 1)
  if (question >= 0 && question < end) {
    if (!scan(text, question + 1, end, QUERY, true)) return false
    end = question
  }
  let pathStart = colon + 1
  if (text.startsWith('//', pathStart)) {
    // hier-part = "//" authority path-abempty; the authority ends at the first "/".
    let slash = text.indexOf('/', pathStart + 2)
    if (slash < 0 || slash > end) slash = end
    if (parseAuthorityRange(text, pathStart + 2, slash) === undefined) return false
    pathStart = slash
  }
  // path-abempty / path-absolute / path-rootless / path-empty: here always *( pchar / "/" ),
  // because a leading "//" was consumed as an authority above.
  return scan(text, pathStart, end, PCHAR | SLASH, true)
}
