import type { ApiKeyView, NewApiKeyRequest } from '../../../core/api-keys/create-api-key-service.js'
import type { Account } from '../../../core/ports.js'
import type { SiweProof } from '../../../core/sign-in/create-siwe-verifier.js'
import type { OcxCreateApiKeyRequest, OcxSiweRequest } from './schemas.js'

/**
 * The OCX wire on one side, Sigil's core types on the other. Nothing here decides anything: every
 * rule (binding, scopes, key limits) is core's; these only rename and reshape.
 */

/** OCX prints key ids with this prefix; Sigil's own id is the 16 characters after it. */
const KEY_ID_PREFIX = 'ocx_kid_'

/** OCX's words, shown with every new secret. */
export const SECRET_SHOWN_ONCE = 'Copy this secret now — it will not be shown again.'

const iso = (ms: number) => new Date(ms).toISOString()
const isoOrNull = (ms: number | undefined) => (ms === undefined ? null : iso(ms))

export const toSiweProof = ({ message, signature }: OcxSiweRequest): SiweProof => ({ message, signature })

export const toOcxUser = (account: Pick<Account, 'id' | 'address'>) => ({
  userId: account.id,
  walletAddress: account.address,
})

export const toOcxKeyId = (id: string) => `${KEY_ID_PREFIX}${id}`

/** Accepts OCX's `ocx_kid_…` and, as a courtesy, the bare id the native API shows for the same key. */
export const fromOcxKeyId = (id: string) =>
  id.startsWith(KEY_ID_PREFIX) ? id.slice(KEY_ID_PREFIX.length) : id

export const toNewApiKeyRequest = (body: OcxCreateApiKeyRequest): NewApiKeyRequest => ({
  ...body,
  // The secret is printed `ocx_sk_…` as OCX clients and secret scanners expect; the key is the same.
  brand: 'ocx',
})

export const toOcxCreatedKey = ({ key, secret }: { key: ApiKeyView; secret: string }) => ({
  id: toOcxKeyId(key.id),
  secret,
  message: SECRET_SHOWN_ONCE,
})

/**
 * A list entry. `revokedAt` is read when core's view carries it; until then a revoked key shows
 * `status: "revoked"` with `revokedAt: null` (see docs/dialects.md).
 */
export const toOcxKey = (key: ApiKeyView & { revokedAt?: number }) => ({
  id: toOcxKeyId(key.id),
  name: key.name,
  scope: key.scope,
  allowedIps: key.allowedIps,
  expiresAt: isoOrNull(key.expiresAt),
  createdAt: iso(key.createdAt),
  revokedAt: isoOrNull(key.revokedAt),
  lastUsedAt: isoOrNull(key.lastUsedAt),
  lastUsedIp: key.lastUsedIp ?? null,
  status: key.status,
})
