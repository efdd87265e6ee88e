import { randomUUID } from 'node:crypto'
import type { AuditLog } from '../audit/create-audit-log.js'
import type { Clock } from '../clock.js'
import { AuthError, isAuthError } from '../errors.js'
import type { Identity } from '../identity.js'
import type { IsolatedAccountStore, SignatureUseStore } from '../ports.js'
import type { RequestContext } from '../sign-in/create-sign-in-api.js'
import type { AccessTokens } from '../tokens/create-access-tokens.js'

/** A verified auth request: who signed, and the signed message's identity for strictReplay. */
export interface VerifiedParadexAuth {
  identity: Identity
  replayKey: string
  /** When the signed message stops being valid, epoch ms. */
  expiresAt: number
  /** The `sid` its tokens must share (a subkey's, so that revoking it ends them); default a fresh one. */
  sessionId?: string
  /**
   * Asked again once the token is signed (a subkey: still active?). A revocation that committed
   * meanwhile refuses it; one that commits later lists the sid past this token's expiry.
   */
  stillValid?(): Promise<boolean>
}

/** PARADEX-AUTHORIZE-ISOLATED-MARKETS: `true` or `false` (or absent); anything else is refused. */
function parseIsolatedMarketsFlag(text: string | undefined): boolean {
  if (text === undefined || text === 'false') return false
  if (text === 'true') return true
  throw new AuthError('VALIDATION_FAILED', 'isolated markets flag', {
    detail: 'paradex-authorize-isolated-markets',
  })
}

/** What every Paradex auth (v1 Stark, v2 EVM) ends with, once its signature is verified. */
export function createParadexTokenIssuer(deps: {
  accessTokens: AccessTokens
  signatureUses: SignatureUseStore
  isolatedAccounts: IsolatedAccountStore
  audit: AuditLog
  clock: Clock
  strictReplay: boolean
  tokenTtlSeconds: number
}) {
  /** strictReplay, isolated markets, the 300-second JWT and the audit trail, for v1 and v2 alike. */
  return async function issue(
    authenticated: () => Promise<VerifiedParadexAuth>,
    authorizeIsolatedMarkets: string | undefined,
    context: RequestContext,
    via: 'paradex' | 'paradex_evm',
  ) {
    try {
      const isolated = parseIsolatedMarketsFlag(authorizeIsolatedMarkets)
      const { identity, replayKey, expiresAt, sessionId: shared, stillValid } = await authenticated()
      // After verification: the key is computable from public header values, so claiming it
      // earlier would let anyone burn another trader's signed message.
      if (deps.strictReplay && !(await deps.signatureUses.claim(replayKey, expiresAt, deps.clock.now()))) {
        throw new AuthError('SIGNATURE_REPLAYED', 'signed message already used')
      }
      const isolatedAccountIds = isolated
        ? (await deps.isolatedAccounts.listByParent(identity.accountId)).map((a) => a.account)
        : []
      // No stored session: the JWT is short and un-refreshable, as Paradex's; the sid is fresh,
      // or a subkey's own, which its revocation ends.
      const sessionId = shared ?? `paradex:${randomUUID()}`
      const issued = await deps.accessTokens.issue({
        accountId: identity.accountId,
        sessionId,
        scopes: identity.scopes,
        clientId: 'paradex',
        ttlSeconds: deps.tokenTtlSeconds,
        isolatedAccountIds,
        ...(identity.subkey === undefined ? {} : { subkey: identity.subkey }),
      })
      if (stillValid && !(await stillValid())) {
        throw new AuthError('PUBLIC_KEY_INVALID', 'revoked while signing in', { detail: 'revoked' })
      }
      await deps.audit.record({
        type: 'sign_in.succeeded',
        accountId: identity.accountId,
        ip: context.ip,
        detail: {
          credential: 'token',
          via,
          isolated_accounts: isolatedAccountIds.length,
          ...(identity.subkey === undefined ? {} : { subkey: identity.subkey }),
        },
      })
      const full: Identity = {
        ...identity,
        sessionId,
        ...(isolatedAccountIds.length ? { isolatedAccountIds } : {}),
      }
      return { ...issued, identity: full }
    } catch (error) {
      if (isAuthError(error)) {
        await deps.audit.recordRefusedSignIn({
          ip: context.ip,
          detail: { code: error.code, credential: 'token', via },
        })
      }
      throw error
    }
  }
}
