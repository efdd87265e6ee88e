import type { ApiKeyService } from '../api-keys/create-api-key-service.js'
import type { AuthenticatedRequest } from '../gateway.js'
import type { Identity } from '../identity.js'
import type { Account } from '../ports.js'
import { signInScopes } from '../scopes.js'
import type { SessionService } from '../sessions/create-session-service.js'
import type { AccessTokens } from '../tokens/create-access-tokens.js'
import { chooseCredential, type PresentedCredentials } from './choose-credential.js'

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
  const authenticateAccessToken = async (token: string): Promise<Identity & { sessionId: string }> => {
    const verified = await deps.accessTokens.verify(token)
    return {
      accountId: verified.accountId,
      sessionId: verified.sessionId,
      scopes: verified.scopes,
      via: 'jwt',
      ...(verified.isolatedAccountIds ? { isolatedAccountIds: verified.isolatedAccountIds } : {}),
    }
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
    async authenticate(presented: PresentedCredentials, ip: string): Promise<AuthenticatedRequest | null> {
      const chosen = chooseCredential(presented)
      switch (chosen.kind) {
        case 'none':
          return null
        case 'api_key':
          return { identity: await deps.apiKeys.authenticate(chosen.secret, ip) }
        case 'access_token':
          return { identity: await authenticateAccessToken(chosen.token) }
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
