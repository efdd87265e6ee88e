/**
 * The `PARADEX-STARKNET-SIGNATURE` header (Paradex §1, §3.1, §4.2): a JSON array of two decimal
 * strings `["<r>","<s>"]`. Lenient as the spec asks (whitespace around and between the tokens,
 * `0x` hex elements), strict about everything else. Only the shape is checked here; StarkWare's
 * scalar ranges are `verifyStarkSignature`'s job.
 */
import { ok, type Result, reject } from '../result.js'
import type { StarkSignature } from './verify-stark-signature.js'

/**
 * Two 2^256-scale decimals in quotes, a comma, brackets and some whitespace come to about 170
 * characters; the bound refuses a huge header before any regex or BigInt work.
 */
export const MAX_SIGNATURE_HEADER_LENGTH = 512

// Whitespace is JSON's (space, tab, CR, LF); `\s` would also take U+00A0 and U+FEFF.
const WS = '[ \\t\\r\\n]*'
// One element: a decimal of at most 78 digits (2^256 has 78) or 0x + at most 64 hex digits. No
// sign, no exponent, no empty string, no escapes: JSON.parse would accept "\u0031" and 1e3.
const ELEMENT = '"(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})"'
const HEADER = new RegExp(`^${WS}\\[${WS}${ELEMENT}${WS},${WS}${ELEMENT}${WS}\\]${WS}$`)

/**
 * Parses the signature header value into `{ r, s }`, or `signature_malformed`.
 *
 * @example
 * parseParadexSignatureHeader('["2105589238…","190964525…"]') // { ok: true, value: { r, s } }
 */
export function parseParadexSignatureHeader(text: string): Result<StarkSignature, 'signature_malformed'> {
  if (typeof text !== 'string' || text.length > MAX_SIGNATURE_HEADER_LENGTH) {
    return reject('signature_malformed')
  }
  const match = HEADER.exec(text)
  if (match === null) return reject('signature_malformed')
  const [, r, s] = match
  if (r === undefined || s === undefined) return reject('signature_malformed')
  return ok({ r: BigInt(r), s: BigInt(s) })
}
