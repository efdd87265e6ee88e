/**
 * Strict parsing of the agent-key typed data as a client posts it (`{ domain, message }`, JSON):
 * exactly the members of the type, each within its grammar and length, so that what is hashed is
 * exactly what the wallet showed. Never throws: untrusted JSON gets a closed reason.
 */
import { isEip55Address } from '../evm/eip55.js'
import { ok, type Result, reject } from '../result.js'
import { parseRfc3339 } from '../siwe/rfc3339.js'
import {
  AGENT_AUTHORIZATION_TYPE,
  AGENT_KEY_SCOPES,
  AGENT_REVOCATION_TYPE,
  type AgentAuthorization,
  type AgentDomain,
  type AgentRevocation,
} from './agent-typed-data.js'

/**
 * `shape_invalid`: not `{ domain, message }` objects with exactly the type's members, each a
 * string (chainId: a positive safe integer). The others name the member whose value is refused.
 */
export type AgentMessageParseReason =
  | 'shape_invalid'
  | 'domain_invalid'
  | 'origin_invalid'
  | 'wallet_invalid'
  | 'agent_key_invalid'
  | 'key_name_invalid'
  | 'scope_not_allowed'
  | 'key_id_invalid'
  | 'nonce_invalid'
  | 'issued_at_invalid'
  | 'expires_at_invalid'

export interface Parsed<M> {
  domain: AgentDomain
  message: M
  issuedAtMs: number
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Exactly these keys, each a string (or, for `numbers`, a positive safe integer). */
function hasExactMembers(value: unknown, names: readonly string[], numbers: readonly string[] = []) {
  if (!isRecord(value)) return false
  const keys = Object.keys(value)
  if (keys.length !== names.length || !names.every((n) => Object.hasOwn(value, n))) return false
  return names.every((n) =>
    numbers.includes(n)
      ? Number.isSafeInteger(value[n]) && (value[n] as number) > 0
      : typeof value[n] === 'string',
  )
}

const DOMAIN_NAME = /^[\x20-\x7e]{1,64}$/
/** `scheme://authority`, no path: what `siweScheme` and `siweDomain` make. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.\-[\]:]{1,253}$/
const ADDRESS = /^0x[0-9a-fA-F]{40}$/
/** base64url, no padding, of a SHA-256 digest: 43 characters. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/
/** No control or format characters (RTL overrides and the like mislead in a signing prompt). */
const KEY_NAME = /^[^\p{Cc}\p{Cf}]{1,64}$/u
const KEY_ID = /^[A-Za-z0-9_-]{1,128}$/
/** EIP-4361's nonce grammar with a bound; Sigil issues 32 hex digits. */
const NONCE = /^[A-Za-z0-9]{8,128}$/
const MAX_TIME_LENGTH = 40

function parseDomain(value: unknown): AgentDomain | undefined {
  if (!hasExactMembers(value, ['name', 'version', 'chainId'], ['chainId'])) return undefined
  const domain = value as unknown as AgentDomain
  if (!DOMAIN_NAME.test(domain.name) || domain.version.length > 16) return undefined
  return { name: domain.name, version: domain.version, chainId: domain.chainId }
}

/** Lower case, or mixed case that is a valid EIP-55 checksum (a typo'd address names nobody). */
function isAddress(text: string): boolean {
  if (!ADDRESS.test(text)) return false
  const digits = text.slice(2)
  return digits === digits.toLowerCase() || digits === digits.toUpperCase() || isEip55Address(text)
}

const time = (text: string) => (text.length <= MAX_TIME_LENGTH ? parseRfc3339(text) : undefined)

/** The members both messages share, checked in their declared order. */
function parseCommon(message: Record<string, string>): AgentMessageParseReason | number {
  if (!ORIGIN.test(message.origin!)) return 'origin_invalid'
  if (!isAddress(message.wallet!)) return 'wallet_invalid'
  if (!NONCE.test(message.nonce!)) return 'nonce_invalid'
  return time(message.issuedAt!) ?? 'issued_at_invalid'
}

/** `{ domain, message }` with exactly the type's members, the domain parsed. */
function parseEnvelope(
  input: unknown,
  type: readonly { name: string }[],
): Result<{ domain: AgentDomain; message: Record<string, string> }, AgentMessageParseReason> {
  if (!isRecord(input) || Object.keys(input).length !== 2 || !isRecord(input.domain))
    return reject('shape_invalid')
  if (
    !hasExactMembers(
      input.message,
      type.map((m) => m.name),
    )
  )
    return reject('shape_invalid')
  const domain = parseDomain(input.domain)
  if (!domain) return reject('domain_invalid')
  return ok({ domain, message: input.message as Record<string, string> })
}

export function parseAgentAuthorization(
  input: unknown,
): Result<Parsed<AgentAuthorization> & { expiresAtMs: number }, AgentMessageParseReason> {
  const envelope = parseEnvelope(input, AGENT_AUTHORIZATION_TYPE)
  if (!envelope.ok) return envelope
  const { domain, message } = envelope.value
  const issuedAtMs = parseCommon(message)
  if (typeof issuedAtMs === 'string') return reject(issuedAtMs)
  if (!THUMBPRINT.test(message.agentKey!)) return reject('agent_key_invalid')
  if (!KEY_NAME.test(message.keyName!)) return reject('key_name_invalid')
  if (!(AGENT_KEY_SCOPES as readonly string[]).includes(message.scope!)) return reject('scope_not_allowed')
  const expiresAtMs = time(message.expiresAt!)
  if (expiresAtMs === undefined) return reject('expires_at_invalid')
  const { origin, wallet, agentKey, keyName, scope, nonce, issuedAt, expiresAt } =
    message as unknown as AgentAuthorization
  return ok({
    domain,
    message: { origin, wallet, agentKey, keyName, scope, nonce, issuedAt, expiresAt },
    issuedAtMs,
    expiresAtMs,
  })
}

export function parseAgentRevocation(
  input: unknown,
): Result<Parsed<AgentRevocation>, AgentMessageParseReason> {
  const envelope = parseEnvelope(input, AGENT_REVOCATION_TYPE)
  if (!envelope.ok) return envelope
  const { domain, message } = envelope.value
  const issuedAtMs = parseCommon(message)
  if (typeof issuedAtMs === 'string') return reject(issuedAtMs)
  if (!KEY_ID.test(message.keyId!)) return reject('key_id_invalid')
  const { origin, wallet, keyId, nonce, issuedAt } = message as unknown as AgentRevocation
  return ok({ domain, message: { origin, wallet, keyId, nonce, issuedAt }, issuedAtMs })
}
