import { type PublicKeyJwk, parsePublicKeyJwk } from '@sigil/protocol/http-signatures'
import { AuthError } from '../errors.js'
import { normalizeIpRange } from '../network/ip-allowlist.js'
import type { Account, ApiKey, ApiKeyCredential } from '../ports.js'
import type { ApiKeyScope } from '../scopes.js'

/** What every new key states, whatever its credential (a secret, a public key, an hmac secret). */
export interface NewKeyFields {
  name: string
  scope: ApiKeyScope
  allowedIps?: readonly string[] | undefined
  /** Epoch ms; absent: never expires. */
  expiresAt?: number | undefined
}

/** Allowlist entries normalised, or VALIDATION_FAILED naming the first bad one. */
export const normalizeAllowlist = (ranges: readonly string[]) =>
  ranges.map((range, i) => {
    const normal = normalizeIpRange(range)
    if (!normal)
      throw new AuthError('VALIDATION_FAILED', 'bad allowedIps entry', {
        detail: `allowedIps/${i} is not an IP address or CIDR range`,
      })
    return normal
  })

/**
 * The record of a new key of `account`, by the rules every kind shares: a pending account gets no
 * trade key, the allowlist is normalised, an expiry is in the future.
 */
export function newKeyRecord(
  account: Account,
  fields: NewKeyFields,
  id: string,
  credential: ApiKeyCredential,
  now: number,
): ApiKey {
  if (fields.scope === 'trade' && account.status !== 'active')
    throw new AuthError('INVITE_REQUIRED', 'pending account asked for a trade key')
  const allowedIps = normalizeAllowlist(fields.allowedIps ?? [])
  if (fields.expiresAt !== undefined && !(fields.expiresAt > now))
    throw new AuthError('VALIDATION_FAILED', 'expiry not in the future', { detail: 'expiresAt' })
  return {
    id,
    accountId: account.id,
    name: fields.name,
    scope: fields.scope,
    credential,
    allowedIps,
    createdAt: now,
    ...(fields.expiresAt === undefined ? {} : { expiresAt: fields.expiresAt }),
  }
}

/** The JWK a client sent, checked, or the refusal (JWK_PRIVATE_KEY, JWK_UNSUPPORTED, JWK_INVALID). */
export function checkedJwk(input: unknown): PublicKeyJwk {
  const parsed = parsePublicKeyJwk(input)
  if (parsed.ok) return parsed.value
  const { reason } = parsed
  const code =
    reason === 'private_key'
      ? 'JWK_PRIVATE_KEY'
      : reason === 'unsupported_key_type' || reason === 'unsupported_curve'
        ? 'JWK_UNSUPPORTED'
        : 'JWK_INVALID'
  throw new AuthError(code, `public key refused: ${reason}`, { detail: reason })
}
