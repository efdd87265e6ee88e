/**
 * The binding and time-window checks of a parsed agent authorization or revocation against the
 * deployment's configuration and an injected clock, as SIWE's (validateSiweMessage): binding
 * first (a message meant for another deployment is named so, whatever its times), then time.
 * Every expectation is mandatory and comes from configuration, never from the request.
 * Comparisons pass only when the good condition holds, so a NaN fails closed.
 */
import { ok, type Result, reject } from '../result.js'
import type { AgentDomain } from './agent-typed-data.js'
import { AGENT_DOMAIN_VERSION } from './agent-typed-data.js'

export interface AgentMessageExpectations {
  /** The EIP-712 domain name of this deployment (`agentKeyDomainName`). */
  domainName: string
  /** `scheme://domain` of this deployment, compared byte for byte. */
  origin: string
  chainIds: readonly number[]
  now: number
  issuedAtSkewMs: number
  /** `issuedAt` may not be older than this (the nonce TTL: no message predates its nonce). */
  maxAgeMs: number
}

/**
 * `domain_mismatch`: another EIP-712 domain name or version (another deployment, or another
 * protocol's typed data); `origin_mismatch`: another deployment's origin; `chain_not_allowed`;
 * `issued_at_in_future` (beyond the skew), `issued_at_too_old`; for an authorization also
 * `time_window_invalid` (expiresAt not after issuedAt), `expired`, and `lifetime_too_long`
 * (expiresAt more than `maxLifetimeMs` after issuedAt).
 */
export type AgentMessageValidationReason =
  | 'domain_mismatch'
  | 'origin_mismatch'
  | 'chain_not_allowed'
  | 'time_window_invalid'
  | 'issued_at_in_future'
  | 'issued_at_too_old'
  | 'expired'
  | 'lifetime_too_long'

interface Checked {
  domain: AgentDomain
  message: { origin: string }
  issuedAtMs: number
}

function checkBindingAndIssuedAt(
  parsed: Checked,
  expected: AgentMessageExpectations,
): AgentMessageValidationReason | undefined {
  const { domain, message, issuedAtMs } = parsed
  if (domain.name !== expected.domainName || domain.version !== AGENT_DOMAIN_VERSION) return 'domain_mismatch'
  if (message.origin !== expected.origin) return 'origin_mismatch'
  if (!expected.chainIds.includes(domain.chainId)) return 'chain_not_allowed'
  if (!(issuedAtMs <= expected.now + expected.issuedAtSkewMs)) return 'issued_at_in_future'
  if (!(expected.now - issuedAtMs <= expected.maxAgeMs)) return 'issued_at_too_old'
  return undefined
}

/**
 * An authorization: the binding, then `issuedAt < expiresAt`, `issuedAt` within the skew and the
 * nonce's age, `now < expiresAt`, and `expiresAt - issuedAt <= maxLifetimeMs` (`agentKeyMaxDays`;
 * measured from the signed issuedAt, so a client computes the same bound the server checks).
 */
export function validateAgentAuthorization(
  parsed: Checked & { expiresAtMs: number },
  expected: AgentMessageExpectations & { maxLifetimeMs: number },
): Result<void, AgentMessageValidationReason> {
  const binding = checkBindingAndIssuedAt(parsed, expected)
  if (binding === 'domain_mismatch' || binding === 'origin_mismatch' || binding === 'chain_not_allowed')
    return reject(binding)
  const { issuedAtMs, expiresAtMs } = parsed
  if (!(issuedAtMs < expiresAtMs)) return reject('time_window_invalid')
  if (binding) return reject(binding)
  if (!(expected.now < expiresAtMs)) return reject('expired')
  if (!(expiresAtMs - issuedAtMs <= expected.maxLifetimeMs)) return reject('lifetime_too_long')
  return ok(undefined)
}

/** A revocation: the binding, and `issuedAt` within the skew and the nonce's age. */
export function validateAgentRevocation(
  parsed: Checked,
  expected: AgentMessageExpectations,
): Result<void, AgentMessageValidationReason> {
  const reason = checkBindingAndIssuedAt(parsed, expected)
  return reason ? reject(reason) : ok(undefined)
}
