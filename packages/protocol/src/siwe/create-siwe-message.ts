/**
 * EIP-4361 §"Message Format": the canonical serializer. The SDK builds the text a wallet signs
 * with it and the server parses with the same grammar, so client and server cannot disagree.
 *
 * Canonical form: `scheme://` only when `scheme` is given; the statement block only when
 * `statement` is given (an empty string gives the empty-statement form); optional fields in ABNF
 * order. This is also how the spruceid verification vectors' signed texts are built.
 *
 * Refusal is by construction: the text is re-parsed with the strict parser and every field must
 * come back identical. That catches both invalid values and injections that would still parse but
 * mean something else (e.g. a `requestId` containing `\nResources:`, or a missing `nonce` that
 * would otherwise be printed as the valid nonce "undefined").
 */
import { type ParseSiweMessageOptions, parseSiweMessage } from './parse-siwe-message.js'
import {
  CHAIN_ID_PREFIX,
  EXPIRATION_TIME_PREFIX,
  HEADER_SUFFIX,
  ISSUED_AT_PREFIX,
  NONCE_PREFIX,
  NOT_BEFORE_PREFIX,
  REQUEST_ID_PREFIX,
  RESOURCE_PREFIX,
  RESOURCES_LINE,
  URI_PREFIX,
  VERSION_PREFIX,
} from './siwe-grammar.js'
import type { SiweMessage, SiweMessageFields } from './siwe-message.js'

/** Every scalar field, for the round-trip comparison. */
const SCALAR_FIELDS = [
  'scheme',
  'domain',
  'address',
  'statement',
  'uri',
  'version',
  'chainId',
  'nonce',
  'issuedAt',
  'expirationTime',
  'notBefore',
  'requestId',
] as const satisfies readonly (keyof SiweMessageFields)[]

function sameFields(fields: SiweMessageFields, parsed: SiweMessage): boolean {
  for (const key of SCALAR_FIELDS) if (fields[key] !== parsed[key]) return false
  const a = fields.resources
  const b = parsed.resources
  if (a === undefined || b === undefined) return a === b
  return a.length === b.length && a.every((resource, i) => resource === b[i])
}

function checkShape(fields: SiweMessageFields): void {
  if (typeof fields !== 'object' || fields === null)
    throw new TypeError('createSiweMessage: fields must be an object')
  for (const key of ['domain', 'address', 'uri', 'version', 'nonce', 'issuedAt'] as const) {
    if (typeof fields[key] !== 'string') throw new TypeError(`createSiweMessage: ${key} must be a string`)
  }
  for (const key of ['scheme', 'statement', 'expirationTime', 'notBefore', 'requestId'] as const) {
    if (fields[key] !== undefined && typeof fields[key] !== 'string') {
      throw new TypeError(`createSiweMessage: ${key} must be a string when present`)
    }
  }
  if (!Number.isSafeInteger(fields.chainId) || fields.chainId < 0) {
    throw new TypeError('createSiweMessage: chainId must be a non-negative safe integer')
  }
  const { resources } = fields
  if (
    resources !== undefined &&
    (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string'))
  ) {
    throw new TypeError('createSiweMessage: resources must be an array of strings when present')
  }
}

/**
 * Serializes message fields to the exact EIP-4361 text to sign.
 *
 * @throws TypeError (message names the failing reason) when the fields do not form a message that
 *   `parseSiweMessage` accepts with the same `options` and parses back to the same fields.
 * @example
 * createSiweMessage({
 *   domain: 'app.example', address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
 *   statement: 'Sign in to app.example', uri: 'https://app.example', version: '1',
 *   chainId: 1, nonce: 'Jx4kQ2vT9bLp7sRa', issuedAt: '2026-01-01T00:00:00.000Z',
 * })
 */
export function createSiweMessage(fields: SiweMessageFields, options: ParseSiweMessageOptions = {}): string {
  checkShape(fields)
  const origin = fields.scheme === undefined ? fields.domain : `${fields.scheme}://${fields.domain}`
  let text = `${origin}${HEADER_SUFFIX}\n${fields.address}\n\n`
  if (fields.statement !== undefined) text += `${fields.statement}\n`
  text += `\n${URI_PREFIX}${fields.uri}`
  text += `\n${VERSION_PREFIX}${fields.version}`
  text += `\n${CHAIN_ID_PREFIX}${fields.chainId}`
  text += `\n${NONCE_PREFIX}${fields.nonce}`
  text += `\n${ISSUED_AT_PREFIX}${fields.issuedAt}`
  if (fields.expirationTime !== undefined) text += `\n${EXPIRATION_TIME_PREFIX}${fields.expirationTime}`
  if (fields.notBefore !== undefined) text += `\n${NOT_BEFORE_PREFIX}${fields.notBefore}`
  if (fields.requestId !== undefined) text += `\n${REQUEST_ID_PREFIX}${fields.requestId}`
  if (fields.resources !== undefined) {
    text += `\n${RESOURCES_LINE}`
    for (const resource of fields.resources) text += `\n${RESOURCE_PREFIX}${resource}`
  }

  const parsed = parseSiweMessage(text, options)
  if (!parsed.ok) throw new TypeError(`createSiweMessage: ${parsed.reason}`)
  if (!sameFields(fields, parsed.value)) throw new TypeError('createSiweMessage: fields do not round-trip')
  return text
}
