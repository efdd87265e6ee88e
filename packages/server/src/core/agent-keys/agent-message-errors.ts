import type { AgentMessageParseReason, AgentMessageValidationReason } from '@sigil/protocol'
import { AuthError, type AuthErrorCode } from '../errors.js'

/** The SIWE codes where the rule is SIWE's; AGENT_AUTHORIZATION_INVALID for the rest. */
const validationCode = {
  domain_mismatch: 'DOMAIN_MISMATCH',
  origin_mismatch: 'DOMAIN_MISMATCH',
  chain_not_allowed: 'CHAIN_NOT_ALLOWED',
  time_window_invalid: 'MESSAGE_EXPIRED',
  expired: 'MESSAGE_EXPIRED',
  issued_at_in_future: 'ISSUED_AT_INVALID',
  issued_at_too_old: 'ISSUED_AT_INVALID',
  lifetime_too_long: 'AGENT_AUTHORIZATION_INVALID',
} as const satisfies Record<AgentMessageValidationReason, AuthErrorCode>

/** A typed message that does not parse: 400 with the member at fault as `detail`. */
export const parseError = (reason: AgentMessageParseReason) =>
  new AuthError('AGENT_AUTHORIZATION_INVALID', reason, { detail: reason })

export const validationError = (reason: AgentMessageValidationReason) =>
  new AuthError(validationCode[reason], reason, { detail: reason })
