/**
 * The EIP-4361 (Sign-In with Ethereum) message as data: the fields of the §"Message Format" ABNF,
 * in message order, plus the three timestamps as epoch milliseconds computed once by the parser.
 *
 * `exactOptionalPropertyTypes` is on: an absent optional field is omitted, never `undefined`.
 * An empty statement (`""`), an empty request id and an empty resource list are all distinct
 * from their absence, as in the ABNF.
 */
export interface SiweMessage {
  /** RFC 3986 scheme written before the domain (`https://app.example wants you…`); absent means https. */
  scheme?: string
  /** RFC 3986 authority of the requesting origin, as written (`app.example`, `localhost:8080`). */
  domain: string
  /** `0x` + 40 hex digits in EIP-55 checksum casing. */
  address: `0x${string}`
  statement?: string
  uri: string
  version: '1'
  chainId: number
  nonce: string
  /** RFC 3339 date-time text, exactly as in the message. */
  issuedAt: string
  expirationTime?: string
  notBefore?: string
  requestId?: string
  resources?: string[]
  /** epoch milliseconds of the three timestamps, computed once by the parser */
  issuedAtMs: number
  expirationTimeMs?: number
  notBeforeMs?: number
}

/** The fields a message is built from: a {@link SiweMessage} without the derived `…Ms` values. */
export type SiweMessageFields = Omit<SiweMessage, 'issuedAtMs' | 'expirationTimeMs' | 'notBeforeMs'>

/**
 * Why a text is not an acceptable EIP-4361 message (closed set; core maps them to one public code,
 * logs and metrics keep the detail):
 * - `not_a_string`: the input is not a string at all (defensive, for untyped callers).
 * - `too_large`: longer than `maxMessageBytes`, checked before any parsing.
 * - `not_ascii`: any code unit above U+007F (accents, emoji, BOM, U+202E RTLO…).
 * - `header_invalid`: line 1 does not end with the exact phrase
 *   ` wants you to sign in with your Ethereum account:` (case-sensitive, single spaces).
 * - `scheme_invalid`: the optional `scheme://` prefix is not an RFC 3986 scheme.
 * - `domain_invalid`: not an RFC 3986 authority, or an empty host.
 * - `address_invalid`: not `0x` + 40 hex digits. `address_not_eip55`: wrong checksum casing.
 * - `statement_invalid`: a char outside RFC 3986 reserved/unreserved/space, longer than
 *   `maxStatementLength`, or not followed by the blank line.
 * - `uri_invalid`, `version_invalid`, `chain_id_invalid`, `nonce_invalid`, `issued_at_invalid`,
 *   `expiration_time_invalid`, `not_before_invalid`, `request_id_invalid`, `resources_invalid`:
 *   the field's line is where it belongs but its value does not match its rule (or cap).
 * - `too_many_resources`: more than `maxResources` resource lines.
 * - `missing_field`: the text ends before a required line.
 * - `unexpected_line`: a line that is not the one the grammar allows there: a missing, duplicate,
 *   out-of-order or unknown field, an extra blank line, or a trailing LF.
 */
export type SiweParseReason =
  | 'not_a_string'
  | 'too_large'
  | 'not_ascii'
  | 'header_invalid'
  | 'scheme_invalid'
  | 'domain_invalid'
  | 'address_invalid'
  | 'address_not_eip55'
  | 'statement_invalid'
  | 'uri_invalid'
  | 'version_invalid'
  | 'chain_id_invalid'
  | 'nonce_invalid'
  | 'issued_at_invalid'
  | 'expiration_time_invalid'
  | 'not_before_invalid'
  | 'request_id_invalid'
  | 'resources_invalid'
  | 'too_many_resources'
  | 'missing_field'
  | 'unexpected_line'
