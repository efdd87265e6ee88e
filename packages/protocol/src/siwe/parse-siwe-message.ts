/**
 * EIP-4361 §"Message Format": a strict recogniser of the `sign-in-with-ethereum` ABNF over the
 * exact text that was signed.
 *
 * Why strict, and why on the raw text: the signature covers these bytes, the wallet displayed
 * these bytes, and the server must enforce exactly what was displayed. Every leniency is a parser
 * differential an attacker can use (viem silently drops an out-of-order `Expiration Time`, so a
 * signed expiry is never enforced; trailing LF, CRLF, duplicate fields, non-ASCII look-alikes).
 * So: no trimming, no normalisation, single LF separators, fixed field order, each field at most
 * once, no unknown lines, ASCII only, and every field checked against its ABNF rule. Size caps
 * bound the work before any parsing. Never throws: every failure is a closed `SiweParseReason`.
 */
import { isEip55Address, type Keccak256 } from '../evm/eip55.js'
import { ok, type Result, reject } from '../result.js'
import { parseRfc3339 } from './rfc3339.js'
import { isScheme, isSegment, isUri, parseAuthority } from './rfc3986.js'
import {
  CHAIN_ID_PREFIX,
  EXPIRATION_TIME_PREFIX,
  HEADER_SUFFIX,
  ISSUED_AT_PREFIX,
  isNonce,
  isStatement,
  NONCE_PREFIX,
  NOT_BEFORE_PREFIX,
  parseChainId,
  REQUEST_ID_PREFIX,
  RESOURCE_PREFIX,
  RESOURCES_LINE,
  URI_PREFIX,
  VERSION_PREFIX,
} from './siwe-grammar.js'
import type { SiweMessage, SiweParseReason } from './siwe-message.js'

/**
 * Size caps (the defaults are safe for a login endpoint and admit every public conformance vector),
 * and the hash of the EIP-55 check.
 */
export interface ParseSiweMessageOptions {
  /** Whole message, in bytes (= chars: the text must be ASCII). Checked before parsing. Default 8192. */
  maxMessageBytes?: number
  /** EIP-4361 sets only a minimum (8). Default 128 (Sigil issues 22-char base62 nonces). */
  maxNonceLength?: number
  /** Default 512 chars. */
  maxStatementLength?: number
  /** Maximum number of `- ` resource lines. Default 16. */
  maxResources?: number
  /**
   * Keccak-256 for the address's EIP-55 checksum. Default @noble's (pure JS, browser-safe); a
   * server passes a faster one (its WASM Keccak), since on the sign-in path this one hash of 40
   * bytes in pure JS costs as much as the rest of the parse.
   */
  keccak256?: Keccak256
}

export const SIWE_PARSE_DEFAULTS: Readonly<Required<Omit<ParseSiweMessageOptions, 'keccak256'>>> =
  Object.freeze({
    maxMessageBytes: 8192,
    maxNonceLength: 128,
    maxStatementLength: 512,
    maxResources: 16,
  })

/**
 * Any UTF-16 code unit above U+007F. One linear character-class scan (no backtracking is possible):
 * the regex engine's native loop is about three times faster than a `charCodeAt` loop over a
 * whole message, and this scan covers every byte of every sign-in.
 */
const NON_ASCII = /[\u0080-\uffff]/

/** An unusable cap (NaN, negative, non-integer) falls back to the default instead of disabling the check. */
function cap(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isSafeInteger(value) && value >= 0 ? value : fallback
}

/** Value after `prefix` on line `index`, or undefined when the line is absent or has another prefix. */
function valueAfter(lines: readonly string[], index: number, prefix: string): string | undefined {
  const line = lines[index]
  return line?.startsWith(prefix) ? line.slice(prefix.length) : undefined
}

function missingOrUnexpected(lines: readonly string[], index: number): SiweParseReason {
  return index >= lines.length ? 'missing_field' : 'unexpected_line'
}

/**
 * Parses and fully checks an EIP-4361 message. The returned fields are substrings of `text`
 * (nothing is re-encoded), plus the timestamps as epoch milliseconds. Binding checks (domain,
 * URI, chain allowlist, time window) are `validateSiweMessage`'s job; the nonce and signature
 * are checked elsewhere.
 *
 * @example
 * const parsed = parseSiweMessage(text)
 * if (!parsed.ok) return parsed.reason // e.g. 'address_not_eip55'
 * parsed.value.chainId // 1
 */
export function parseSiweMessage(
  text: string,
  options: ParseSiweMessageOptions = {},
): Result<SiweMessage, SiweParseReason> {
  if (typeof text !== 'string') return reject('not_a_string')
  // UTF-8 never has fewer bytes than UTF-16 code units, so this is a sound byte cap; after the
  // ASCII check below, chars and bytes coincide.
  if (text.length > cap(options.maxMessageBytes, SIWE_PARSE_DEFAULTS.maxMessageBytes))
    return reject('too_large')
  if (NON_ASCII.test(text)) return reject('not_ascii')

  const lines = text.split('\n')
  const header = lines[0]!
  if (!header.endsWith(HEADER_SUFFIX)) return reject('header_invalid')
  const origin = header.slice(0, header.length - HEADER_SUFFIX.length)
  // An authority never contains "/", so the first "://" can only end a scheme.
  const schemeEnd = origin.indexOf('://')
  const scheme = schemeEnd >= 0 ? origin.slice(0, schemeEnd) : undefined
  if (scheme !== undefined && !isScheme(scheme)) return reject('scheme_invalid')
  const domain = schemeEnd >= 0 ? origin.slice(schemeEnd + 3) : origin
  // RFC 3986 allows an empty authority/host; an origin without a host cannot be bound to.
  const authority = parseAuthority(domain)
  if (authority === undefined || authority.host === '') return reject('domain_invalid')

  const address = lines[1]
  if (address === undefined) return reject('missing_field')
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) return reject('address_invalid')
  if (!isEip55Address(address, options.keccak256)) return reject('address_not_eip55')
  if (lines[2] !== '') return reject(missingOrUnexpected(lines, 2))

  // `[ statement LF ] LF`: a non-empty line 4 is a statement and needs the blank line after it;
  // two blank lines are an empty statement; one blank line is no statement.
  let index = 3
  let statement: string | undefined
  const third = lines[3]
  if (third === undefined) return reject('missing_field')
  if (third !== '') {
    const maxStatement = cap(options.maxStatementLength, SIWE_PARSE_DEFAULTS.maxStatementLength)
    if (third.length > maxStatement || !isStatement(third)) return reject('statement_invalid')
    // A statement with an embedded LF shows up here as a non-blank continuation line.
    if (lines[4] !== '') return reject(lines[4] === undefined ? 'missing_field' : 'statement_invalid')
    statement = third
    index = 5
  } else if (lines[4] === '') {
    statement = ''
    index = 5
  } else index = 4

  const uri = valueAfter(lines, index, URI_PREFIX)
  if (uri === undefined) return reject(missingOrUnexpected(lines, index))
  if (!isUri(uri)) return reject('uri_invalid')
  const version = valueAfter(lines, ++index, VERSION_PREFIX)
  if (version === undefined) return reject(missingOrUnexpected(lines, index))
  if (version !== '1') return reject('version_invalid')
  const chainIdText = valueAfter(lines, ++index, CHAIN_ID_PREFIX)
  if (chainIdText === undefined) return reject(missingOrUnexpected(lines, index))
  const chainId = parseChainId(chainIdText)
  if (chainId === undefined) return reject('chain_id_invalid')
  const nonce = valueAfter(lines, ++index, NONCE_PREFIX)
  if (nonce === undefined) return reject(missingOrUnexpected(lines, index))
  if (!isNonce(nonce, cap(options.maxNonceLength, SIWE_PARSE_DEFAULTS.maxNonceLength))) {
    return reject('nonce_invalid')
  }
  const issuedAt = valueAfter(lines, ++index, ISSUED_AT_PREFIX)
  if (issuedAt === undefined) return reject(missingOrUnexpected(lines, index))
  const issuedAtMs = parseRfc3339(issuedAt)
  if (issuedAtMs === undefined) return reject('issued_at_invalid')
  index++

  const message: SiweMessage = {
    domain,
    address: address as `0x${string}`,
    uri,
    version: '1',
    chainId,
    nonce,
    issuedAt,
    issuedAtMs,
  }
  if (scheme !== undefined) message.scheme = scheme
  if (statement !== undefined) message.statement = statement

  // Optional fields: each may appear once, only in this order. Anything else left over at the
  // end (duplicate, out of order, unknown, trailing LF) is an unexpected line.
  const expirationTime = valueAfter(lines, index, EXPIRATION_TIME_PREFIX)
  if (expirationTime !== undefined) {
    const ms = parseRfc3339(expirationTime)
    if (ms === undefined) return reject('expiration_time_invalid')
    message.expirationTime = expirationTime
    message.expirationTimeMs = ms
    index++
  }
  const notBefore = valueAfter(lines, index, NOT_BEFORE_PREFIX)
  if (notBefore !== undefined) {
    const ms = parseRfc3339(notBefore)
    if (ms === undefined) return reject('not_before_invalid')
    message.notBefore = notBefore
    message.notBeforeMs = ms
    index++
  }
  const requestId = valueAfter(lines, index, REQUEST_ID_PREFIX)
  if (requestId !== undefined) {
    if (!isSegment(requestId)) return reject('request_id_invalid')
    message.requestId = requestId
    index++
  }
  if (lines[index] === RESOURCES_LINE) {
    const resources: string[] = []
    const maxResources = cap(options.maxResources, SIWE_PARSE_DEFAULTS.maxResources)
    for (index++; index < lines.length; index++) {
      const resource = valueAfter(lines, index, RESOURCE_PREFIX)
      if (resource === undefined) return reject('unexpected_line')
      if (resources.length === maxResources) return reject('too_many_resources')
      if (!isUri(resource)) return reject('resources_invalid')
      resources.push(resource)
    }
    message.resources = resources
  }
  if (index !== lines.length) return reject('unexpected_line')
  return ok(message)
}
