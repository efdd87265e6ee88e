import { randomUUID } from 'node:crypto'
import { signVerifyAssertion } from '@sigil/protocol'
import type { Clock } from '../clock.js'
import type { Identity } from '../identity.js'
import type { AccountStore, Address } from '../ports.js'
import type { KeyRing } from '../tokens/create-key-ring.js'

/** How long an assertion lives: long enough for one hop from the proxy to the upstream. */
export const VERIFY_ASSERTION_TTL_SECONDS = 10

/** The original request a forward-auth proxy asked about. */
export interface ForwardedRequest {
  method: string
  /** Origin form, as the proxy stated it (path and query). */
  uri: string
}

/** What the verify endpoint needs of core beyond authentication. */
export interface ForwardAuth {
  /**
   * The account's wallet address (EIP-55). An account never changes address, so answers are kept
   * (bounded): a verified JWT still costs no store read after the first request of its account.
   */
  walletOf(accountId: string): Promise<Address | undefined>
  /** The signed assertion for `audience` (`X-Sigil-Assertion`), from the active signing key. */
  assert(identity: Identity, request: ForwardedRequest, audience: string): Promise<string>
}

const MAX_CACHED_WALLETS = 10_000

export function createForwardAuth(
  accounts: AccountStore,
  keyRing: KeyRing,
  clock: Clock,
  options: { issuer: string },
): ForwardAuth {
  const wallets = new Map<string, Address>()
  return {
    async walletOf(accountId) {
      const cached = wallets.get(accountId)
      if (cached) return cached
      const account = await accounts.findById(accountId)
      if (!account) return undefined
      // Oldest first out: a Map iterates in insertion order.
      if (wallets.size >= MAX_CACHED_WALLETS) wallets.delete(wallets.keys().next().value!)
      wallets.set(accountId, account.address)
      return account.address
    },
    async assert(identity, request, audience) {
      const iat = Math.floor(clock.now() / 1000)
      return signVerifyAssertion(
        {
          iss: options.issuer,
          aud: audience,
          sub: identity.accountId,
          iat,
          exp: iat + VERIFY_ASSERTION_TTL_SECONDS,
          jti: randomUUID(),
          scope: identity.scopes.join(' '),
          credential: identity.via,
          ...(identity.apiKeyId ? { key_id: identity.apiKeyId } : {}),
          method: request.method,
          path: request.uri,
        },
        keyRing.activeKey(),
      )
    },
  }
}
