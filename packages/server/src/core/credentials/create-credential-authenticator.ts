import type { AccessTokenClaims } from '@sigil/protocol'
import type { SignedRequest } from '@sigil/protocol/http-signatures'
import type { ApiKeyService } from '../api-keys/create-api-key-service.js'
import type { SignedRequestCheck } from '../api-keys/signed-request-verifier.js'
import type { AuthenticatedRequest } from '../gateway.js'
import type { Identity } from '../identity.js'
import type { Account } from '../ports.js'
import { signInScopes } from '../scopes.js'
import type { SessionService } from '../sessions/create-session-service.js'
import type { AccessTokens, VerifiedAccessToken } from '../tokens/create-access-tokens.js'
import { chooseCredential, type PresentedCredentials } from './choose-credential.js'
import { createIdentityMemo } from './identity-memo.js'

/** API keys whose identity is kept (one small frozen object each); beyond it, the oldest is rebuilt. */
const MAX_MEMOIZED_KEY_IDENTITIES = 10_000

/**
 * What a long-lived connection authenticates with: an access JWT, an API key, or the signed
 * upgrade request that opened it (checked at the upgrade: `authenticateSignedUpgrade`).
 */
export type ConnectionCredential =
  | { bearer: string }
  | { apiKey: string }
  | { signedUpgrade: SignedRequestCheck }

/** A connection's credential, checked: who, until when, and (API keys) how to check it again. */
export interface ConnectionCredentialCheck {
  identity: Identity
  /** When the credential stops being valid (ms): a JWT's `exp`, an API key's expiry or grace end. */
  expiresAt?: number
  recheck?(): Promise<{ expiresAt?: number }>
}

/**
 * A request's credential, checked: the one chooseCredential picks, verified by its own service
 * (a JWT against the key ring and revocation list, a session value or cookie against the store,
 * an API key with its IP allowlist). Every transport authenticates through here.
 */
export function createCredentialAuthenticator(deps: {
  accessTokens: AccessTokens
  sessions: SessionService
  apiKeys: ApiKeyService
  findAccount(accountId: string): Promise<Account>
}) {
  // One frozen identity per verified token (its claims object, which the verified-token cache
  // hands back on every hit) and per API key: the identity depends on nothing else, and the HTTP
  // layer keeps what it derives from an identity (the verify answer) by that object.
  const tokenIdentities = new WeakMap<AccessTokenClaims, Identity & { sessionId: string }>()
  const identityOfToken = (verified: VerifiedAccessToken) => {
    let identity = tokenIdentities.get(verified.claims)
    if (identity === undefined) {
      identity = Object.freeze({
        accountId: verified.accountId,
        sessionId: verified.sessionId,
        scopes: Object.freeze([...verified.scopes]),
        via: 'jwt' as const,
        ...(verified.isolatedAccountIds
          ? { isolatedAccountIds: Object.freeze([...verified.isolatedAccountIds]) }
          : {}),
        ...(verified.subkey === undefined ? {} : { subkey: verified.subkey }),
      })
      tokenIdentities.set(verified.claims, identity)
    }
    return identity
  }
  const verifyAccessToken = async (token: string) => {
    const verified = await deps.accessTokens.verify(token)
    return { identity: identityOfToken(verified), expiresAt: verified.claims.exp * 1000 }
  }
  const authenticateAccessToken = async (token: string) =>
    identityOfToken(await deps.accessTokens.verify(token))

  const keyIdentities = createIdentityMemo(MAX_MEMOIZED_KEY_IDENTITIES)
  const keyIdentityOf = (checked: Identity & { apiKeyId: string }) =>
    keyIdentities.same(checked.apiKeyId, {
      accountId: checked.accountId,
      scopes: checked.scopes,
      via: checked.via,
      apiKeyId: checked.apiKeyId,
    })
  const authenticateApiKey = async (secret: string, ip: string) => {
    const checked = await deps.apiKeys.authenticate(secret, ip)
    const identity = keyIdentityOf(checked)
    return checked.validUntil === undefined ? { identity } : { identity, expiresAt: checked.validUntil }
  }

  const authenticateSession = async (value: string) => {
    const { session, renewedUntil } = await deps.sessions.authenticateCookie(value)
    // Scopes follow the account's current status, so a redeemed invite counts at once.
    const account = await deps.findAccount(session.accountId)
    const identity = { accountId: account.id, sessionId: session.id, scopes: signInScopes(account.status) }
    return { identity, renewedUntil }
  }

  return {
    authenticateAccessToken,
    /**
     * The credential of a long-lived connection (the native WebSocket's `auth`): who it is, when
     * the credential expires, and for an API key how to check it again later (a rotation, a gap
     * in the revocation bus) from the same client IP. The secret stays in that closure, in memory,
     * for the connection's life, as the connection itself would be able to present it again.
     */
    async authenticateConnection(
      credential: ConnectionCredential,
      ip: string,
    ): Promise<ConnectionCredentialCheck> {
      if ('bearer' in credential) return verifyAccessToken(credential.bearer)
      if ('signedUpgrade' in credential) {
        // The signature was checked (and its one use spent) at the upgrade; what can change since
        // is the key: re-checked without the signature (a rotation, a revocation, the allowlist).
        const { identity, validUntil, signer } = credential.signedUpgrade
        return {
          identity,
          ...(validUntil === undefined ? {} : { expiresAt: validUntil }),
          recheck: () => deps.apiKeys.recheckSigned(identity.apiKeyId, signer, ip),
        }
      }
      const { apiKey } = credential
      const checked = await authenticateApiKey(apiKey, ip)
      return {
        ...checked,
        recheck: async () => {
          const { expiresAt } = await authenticateApiKey(apiKey, ip)
          return expiresAt === undefined ? {} : { expiresAt }
        },
      }
    },
    /**
     * A WebSocket upgrade signed with a public-key key (RFC 9421): checked once, at the upgrade
     * (its one use spent then); the socket's `auth` then adopts it (`{"signedUpgrade": true}`).
     */
    authenticateSignedUpgrade: (request: SignedRequest, ip: string) =>
      deps.apiKeys.authenticateSigned(request, ip, { bodyPending: false }),
    async authenticate(presented: PresentedCredentials, ip: string): Promise<AuthenticatedRequest | null> {
      const chosen = chooseCredential(presented, deps.accessTokens.isVerifiedBefore)
      switch (chosen.kind) {
        case 'none':
          return null
        case 'api_key':
          return { identity: keyIdentityOf(await deps.apiKeys.authenticate(chosen.secret, ip)) }
        case 'signed_request': {
          const { bodyPending } = chosen
          return {
            identity: (await deps.apiKeys.authenticateSigned(chosen.request, ip, { bodyPending })).identity,
          }
        }
        case 'access_token':
          // Straight to the token check (no wrapper's promise): forward auth asks this for every request.
          return { identity: identityOfToken(await deps.accessTokens.verify(chosen.token)) }
        case 'session': {
          // The same session as its cookie, but in a header a browser never attaches by itself.
          const { identity } = await authenticateSession(chosen.value)
          return { identity: { ...identity, via: 'session' } }
        }
        case 'cookie': {
          const { identity, renewedUntil } = await authenticateSession(chosen.value)
          return {
            identity: { ...identity, via: 'cookie' },
            cookie: { name: chosen.name, ...(renewedUntil === undefined ? {} : { renewedUntil }) },
          }
        }
      }
    },
  }
}
