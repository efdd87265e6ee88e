/**
 * The EIP-4361 terminals that are not RFC 3986 or RFC 3339 rules: the literal line prefixes
 * (all `%s`, i.e. case-sensitive), `statement`, `nonce` and `chain-id`. Shared by the parser and
 * the serializer so that both speak exactly one grammar.
 */

export const HEADER_SUFFIX = ' wants you to sign in with your Ethereum account:'
export const URI_PREFIX = 'URI: '
export const VERSION_PREFIX = 'Version: '
export const CHAIN_ID_PREFIX = 'Chain ID: '
export const NONCE_PREFIX = 'Nonce: '
export const ISSUED_AT_PREFIX = 'Issued At: '
export const EXPIRATION_TIME_PREFIX = 'Expiration Time: '
export const NOT_BEFORE_PREFIX = 'Not Before: '
export const REQUEST_ID_PREFIX = 'Request ID: '
export const RESOURCES_LINE = 'Resources:'
export const RESOURCE_PREFIX = '- '

/**
 * `statement = *( reserved / unreserved / " " )`: letters, digits, `-._~`, `:/?#[]@!$&'()*+,;=`
 * and space. Notably NOT `%`, `"`, `<`, `>`, `\`, `^`, `` ` ``, `{`, `|`, `}`, TAB, CR, LF or any
 * non-ASCII char: the statement is shown to the user by the wallet, so nothing that can hide,
 * reorder (U+202E) or break lines is allowed.
 */
const STATEMENT_CHARS = new Uint8Array(128)
for (let c = 0x30; c <= 0x39; c++) STATEMENT_CHARS[c] = 1
for (let c = 0x41; c <= 0x5a; c++) STATEMENT_CHARS[c] = 1
for (let c = 0x61; c <= 0x7a; c++) STATEMENT_CHARS[c] = 1
for (const ch of "-._~:/?#[]@!$&'()*+,;= ") STATEMENT_CHARS[ch.charCodeAt(0)] = 1

/** True iff `text` matches the EIP-4361 `statement` rule (length caps are the caller's). */
export function isStatement(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 128 || STATEMENT_CHARS[c] === 0) return false
  }
  return true
}

/** `nonce = 8*( ALPHA / DIGIT )`, plus Sigil's upper bound `maxLength`. */
export function isNonce(text: string, maxLength: number): boolean {
  if (text.length < 8 || text.length > maxLength) return false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const lower = c | 0x20
    if (!((c >= 0x30 && c <= 0x39) || (lower >= 0x61 && lower <= 0x7a))) return false
  }
  return true
}

/**
 * `chain-id = 1*DIGIT` (EIP-155), parsed to a number; undefined when invalid.
 *
 * Deliberate Sigil restriction beyond the ABNF: no leading zeros (`01`) and nothing above
 * `Number.MAX_SAFE_INTEGER`. Both are grammatical, but `01` would make two different signed texts
 * mean the same chain (a re-serializing verifier then breaks, see the spec notes on siwe v3), and a
 * huge value silently loses precision in a JS number (`1e+23`), so allowlist comparisons could
 * match a chain the user did not sign for. Real chain ids are far below 2^53.
 */
export function parseChainId(text: string): number | undefined {
  if (text.length === 0 || text.length > 16) return undefined
  if (text.length > 1 && text.charCodeAt(0) === 0x30) return undefined
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x30 || c > 0x39) return undefined
  }
  const value = Number(text)
  return Number.isSafeInteger(value) ? value : undefined
}
