import { parseSiweMessage } from '@sigil/protocol'
import type { FastifyRequest } from 'fastify'
import type { ApiKeyView, NewApiKeyRequest } from '../../../core/api-keys/create-api-key-service.js'
import { bearerToken } from '../../../core/credentials/choose-credential.js'
import { AuthError } from '../../../core/errors.js'
import type { IssuedTokens } from '../../../core/gateway.js'
import type { Account, Session } from '../../../core/ports.js'
import type { ApiKeyScope } from '../../../core/scopes.js'
import type { SiweProof } from '../../../core/sign-in/create-siwe-verifier.js'
import type { ApiKeyCreateBody, ApiKeyListQuery, PageQuery, SignUpBody, User } from './schemas.js'

/** EVEDEX requests to the calls core understands, and core's results to EVEDEX bodies. */

const iso = (ms: number) => new Date(ms).toISOString()
const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const DAY_MS = 86_400_000

const mismatch = (field: 'wallet' | 'nonce') =>
  new AuthError('VALIDATION_FAILED', `body ${field} is not the message's`, {
    detail: `${field} does not match the ${field === 'wallet' ? 'address' : 'nonce'} of the signed message`,
  })

/**
 * The SIWE proof of a sign-up. EVEDEX sends `wallet` and `nonce` beside the message that already
 * holds them: a body that contradicts its own message is refused here, before any nonce is spent.
 * A message that does not parse is left to core, which refuses it (and audits the refusal).
 */
export function signUpProof(body: SignUpBody): SiweProof {
  const parsed = parseSiweMessage(body.message)
  if (parsed.ok) {
    // The same 20 bytes, whatever the case the client wrote them in.
    if (!ADDRESS.test(body.wallet) || body.wallet.toLowerCase() !== parsed.value.address.toLowerCase())
      throw mismatch('wallet')
    if (body.nonce !== parsed.value.nonce) throw mismatch('nonce')
  }
  return { message: body.message, signature: body.signature }
}

/** `POST /auth/refresh` carries the refresh token as its Bearer (no body), as EVEDEX's SDK sends it. */
export function refreshTokenOf(request: FastifyRequest): string {
  const token = bearerToken(request.headers.authorization)
  if (!token) throw new AuthError('CREDENTIAL_MISSING', 'refresh needs Authorization: Bearer <refreshToken>')
  return token
}

/**
 * EVEDEX's `User`, every required field filled: what Sigil knows (id, wallet, dates, whether the
 * account may trade) and EVEDEX's defaults for the profile Sigil does not keep.
 */
export function toUser(account: Account): User {
  return {
    id: account.id,
    avatar: null,
    cover: null,
    wallet: account.address,
    role: 'user',
    name: null,
    status: null,
    description: null,
    email: null,
    locale: 'en-US',
    telegramProfile: null,
    discordId: null,
    discordName: null,
    mobilePushEnabled: false,
    referralCode: null,
    smartAccountsList: [],
    signUpMethod: 'wallet',
    platform: null,
    createdAt: iso(account.createdAt),
    updatedAt: iso(account.createdAt),
    lastSignInAt: null,
    subscriptionStatus: 'none',
    privilegiesType: null,
    type: 'user',
    accountType: 'main',
    // A pending account (invite not redeemed) cannot trade yet.
    accountStatus: account.status === 'active' ? 'active' : 'inactive',
    parent: null,
    isArchived: false,
    twofa: false,
    permissions: [],
    subscriptionEndedAt: null,
  }
}

export const toAuth = (issued: IssuedTokens) => ({
  user: toUser(issued.account),
  token: { accessToken: issued.accessToken, refreshToken: issued.refreshToken },
})

/** limit/offset paging over a list core returned whole; `count` is the total. */
export function page<T>(items: readonly T[], query: { limit?: string; offset?: string }) {
  const offset = Number(query.offset ?? 0)
  return { list: items.slice(offset, offset + Number(query.limit ?? 50)), count: items.length }
}

export const toSessionList = (sessions: readonly Session[], query: PageQuery) =>
  page(
    sessions.map((s) => ({
      id: s.id,
      user: s.accountId,
      createdAt: iso(s.createdAt),
      // Sigil keeps no geolocation, language or referrer: EVEDEX's empty values.
      country: '',
      city: '',
      ipAddress: s.ip ?? '',
      userAgentInfo: s.userAgent ?? '',
      refreshTokenId: null,
      language: null,
      referrer: null,
    })),
    query,
  )

/**
 * EVEDEX key scopes to Sigil's: `exchange` (the trading API) is `trade`; `partner` alone is `read`;
 * no scope at all is `trade`, what an EVEDEX key is made for (signing orders with x-api-key).
 */
const toSigilScope = (scopes: readonly string[] = []): ApiKeyScope =>
  scopes.length === 0 || scopes.includes('exchange') ? 'trade' : 'read'
const toEvedexScopes = (scope: ApiKeyScope) =>
  scope === 'trade' ? ['exchange' as const] : ['partner' as const]

/** `expireAt` (an instant) as core's whole days, rounded down: a key never outlives what was asked. */
export function toNewApiKey(body: ApiKeyCreateBody, now: number): NewApiKeyRequest {
  const request = { name: body.name, scope: toSigilScope(body.scopes) }
  if (body.expireAt === undefined || body.expireAt === null) return request
  const days = Math.floor((Date.parse(body.expireAt) - now) / DAY_MS)
  if (!(days >= 1 && days <= 3650)) {
    throw new AuthError('VALIDATION_FAILED', 'expireAt out of range', {
      detail: 'expireAt must be between one day and ten years from now',
    })
  }
  return { ...request, expiresInDays: days }
}

export const toApiKeySecret = ({ key, secret }: { key: ApiKeyView; secret: string }) => ({
  id: key.id,
  expireAt: key.expiresAt === undefined ? null : iso(key.expiresAt),
  apiKey: secret,
})

const flag = (value: string | undefined) => value === 'true' || value === 'yes' || value === '1'

/**
 * EVEDEX's key list. Revoked keys are never listed (`withDeleted` notwithstanding): Sigil does not
 * tell when a key was revoked, and EVEDEX marks a deleted key by its `deletedAt`.
 */
export function toApiKeyList(keys: readonly ApiKeyView[], query: ApiKeyListQuery) {
  const shown = keys.filter(
    (k) => k.status === 'active' || (k.status === 'expired' && flag(query.withExpired)),
  )
  return page(
    shown.map((key) => ({
      id: key.id,
      name: key.name,
      mask: key.masked,
      isArchived: false,
      expireAt: key.expiresAt === undefined ? null : iso(key.expiresAt),
      createdAt: iso(key.createdAt),
      updatedAt: null,
      deletedAt: null,
      settings: { scopes: toEvedexScopes(key.scope) },
    })),
    query,
  )
}
