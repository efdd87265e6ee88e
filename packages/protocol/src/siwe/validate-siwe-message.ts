/**
 * EIP-4361 §"Verifying a signed message" / §"Security considerations": the pure binding and
 * time-window checks of a parsed message against the relying party's configuration and an
 * injected clock. Nonce consumption and signature verification happen elsewhere.
 *
 * Every expectation is mandatory (no optional parameter that fails open when omitted, the bug
 * class of viem/siwe/siwe-go domain checks) and comes from configuration, never from the request
 * (`Host` headers are attacker-chosen behind permissive proxies). Comparisons are written as
 * "pass unless the good condition holds", so a NaN clock or bound fails closed.
 */
import { ok, type Result, reject } from '../result.js'
import { parseAuthority } from './rfc3986.js'
import type { SiweMessage } from './siwe-message.js'

export interface SiweExpectations {
  /** RFC 3986 authority of the relying party, incl. a non-default port: `app.example`, `localhost:8080`. */
  domain: string
  scheme: 'https' | 'http'
  /** Compared with the message's `URI:` byte for byte (see {@link validateSiweMessage}). */
  uri: string
  chainIds: readonly number[]
  /** Current time, epoch milliseconds. */
  now: number
  /** How far in the future `Issued At` may be (client clock skew). */
  issuedAtSkewMs: number
  /** `Issued At` may not be older than this (normally the nonce TTL). */
  maxAgeMs: number
}

/**
 * Why a well-formed message does not bind to this relying party now (closed set):
 * `scheme_mismatch`, `domain_mismatch`, `uri_mismatch`, `chain_not_allowed`;
 * `time_window_invalid` (Not Before or Issued At not before Expiration Time: a window that can
 * never be valid); `issued_at_in_future` (beyond the skew), `issued_at_too_old` (beyond maxAgeMs),
 * `not_yet_valid` (now < Not Before), `expired` (now >= Expiration Time).
 */
export type SiweValidationReason =
  | 'scheme_mismatch'
  | 'domain_mismatch'
  | 'uri_mismatch'
  | 'chain_not_allowed'
  | 'time_window_invalid'
  | 'issued_at_in_future'
  | 'issued_at_too_old'
  | 'not_yet_valid'
  | 'expired'

const DEFAULT_PORT = { https: '443', http: '80' } as const

/**
 * `host[:port]` in the one form we compare, or undefined when it cannot match anything.
 * Strict on purpose: userinfo (`app.example@evil.example` phishing shapes), an empty host, an
 * empty port (`app.example:`), a non-canonical port (`0443`) or a port above 65535 never match;
 * percent-encoding and trailing dots are not decoded/stripped (`app.example.` is another origin to
 * a browser). Only what is provably the same origin is folded: host case, and the scheme's
 * default port (`app.example:443` is `app.example` under https).
 */
function canonicalAuthority(text: string, scheme: 'https' | 'http'): string | undefined {
  const authority = parseAuthority(text)
  if (authority === undefined || authority.userinfo !== undefined || authority.host === '') return undefined
  const host = authority.host.toLowerCase()
  const { port } = authority
  if (port === undefined || port === DEFAULT_PORT[scheme]) return host
  if (!/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65535) return undefined
  return `${host}:${port}`
}

/**
 * Checks, in this order: scheme, domain, URI, chain allowlist, internal consistency of the time
 * window, then the window against `now`. Binding reasons come first because they identify a
 * message meant for another site, whatever its times.
 *
 * - A message without a scheme means https (EIP-4361), so it only binds when `expected.scheme`
 *   is `https`; a present scheme must equal it exactly (lower case, as RFC 3986 §3.1 produces).
 * - The URI must equal `expected.uri` exactly, byte for byte: no prefix/"under" matching, no
 *   normalisation (`https://app.example` and `https://app.example/` are different), so there is
 *   no parsing differential to exploit. Configure the URI your client puts in the message.
 * - Time: `issuedAt <= now + issuedAtSkewMs`, `now - issuedAt <= maxAgeMs`, `now >= notBefore`,
 *   `now < expirationTime` (all bounds inclusive as written).
 *
 * @example
 * const checked = validateSiweMessage(message, {
 *   domain: 'app.example', scheme: 'https', uri: 'https://app.example', chainIds: [1],
 *   now: Date.now(), issuedAtSkewMs: 60_000, maxAgeMs: 600_000,
 * })
 * if (!checked.ok) checked.reason // e.g. 'domain_mismatch'
 */
export function validateSiweMessage(
  message: SiweMessage,
  expected: SiweExpectations,
): Result<void, SiweValidationReason> {
  if ((message.scheme ?? 'https') !== expected.scheme) return reject('scheme_mismatch')
  // The configured domain must itself be bindable; a message that spells it identically (the
  // usual case) then matches without being canonicalised a second time.
  const domain = canonicalAuthority(expected.domain, expected.scheme)
  if (
    domain === undefined ||
    (message.domain !== expected.domain && canonicalAuthority(message.domain, expected.scheme) !== domain)
  ) {
    return reject('domain_mismatch')
  }
  if (message.uri !== expected.uri) return reject('uri_mismatch')
  if (!expected.chainIds.includes(message.chainId)) return reject('chain_not_allowed')

  const { now } = expected
  const { issuedAtMs, notBeforeMs, expirationTimeMs } = message
  if (expirationTimeMs !== undefined) {
    if (!(issuedAtMs < expirationTimeMs)) return reject('time_window_invalid')
    if (notBeforeMs !== undefined && !(notBeforeMs < expirationTimeMs)) return reject('time_window_invalid')
  }
  if (!(issuedAtMs <= now + expected.issuedAtSkewMs)) return reject('issued_at_in_future')
  if (!(now - issuedAtMs <= expected.maxAgeMs)) return reject('issued_at_too_old')
  if (notBeforeMs !== undefined && !(now >= notBeforeMs)) return reject('not_yet_valid')
  if (expirationTimeMs !== undefined && !(now < expirationTimeMs)) return reject('expired')
  return ok(undefined)
}
