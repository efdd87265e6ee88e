import { randomUUID } from 'node:crypto'
import { type AccessTokenClaims, verifyAccessToken } from '@sigil/protocol'
import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import { parseScopeClaim, type Scope } from '../scopes.js'
import type { KeyRing } from './create-key-ring.js'
import { createAccessTokenSigner } from './sign-access-token-now.js'
import { createVerifiedTokenCache } from './verified-token-cache.js'

export interface AccessTokenOptions {
  issuer: string
  audience: string
  ttlSeconds: number
  clockToleranceSeconds: number
}

export interface AccessTokenSubject {
  accountId: string
  sessionId: string
  scopes: readonly Scope[]
  /** RFC 9068 `client_id`: which API issued it (`native`, later a dialect). */
  clientId: string
  /** A dialect's own lifetime (Paradex: 300 s); default the configured one. */
  ttlSeconds?: number
  /** Isolated-market accounts the token also covers (claim `isolated_accounts`); omitted when none. */
  isolatedAccountIds?: readonly string[]
  /** The Paradex subkey that signed for the token (claim `subkey`); omitted for the main key. */
  subkey?: string
}

export interface VerifiedAccessToken extends AccessTokenSubject {
  claims: AccessTokenClaims
}

export interface AccessTokens {
  issue(subject: AccessTokenSubject): Promise<{ token: string; expiresIn: number }>
  /** Signature, claims and the session revocation list; throws TOKEN_* or SESSION_REVOKED. */
  verify(token: string): Promise<VerifiedAccessToken>
  /** This exact text verified before (and still cached): a well-formed JWT, not necessarily valid now. */
  isVerifiedBefore(token: string): boolean
}

/** RFC 9068 access tokens signed by the key ring's active key. */
export function createAccessTokens(
  keyRing: KeyRing,
  isSessionRevoked: (sessionId: string) => boolean | Promise<boolean>,
  clock: Clock,
  options: AccessTokenOptions,
): AccessTokens {
  const verified = createVerifiedTokenCache<VerifiedAccessToken>(10_000)
  const sign = createAccessTokenSigner()
  return {
    async issue(subject) {
      const iat = Math.floor(clock.now() / 1000)
      const ttlSeconds = subject.ttlSeconds ?? options.ttlSeconds
      const claims: AccessTokenClaims = {
        iss: options.issuer,
        aud: options.audience,
        sub: subject.accountId,
        client_id: subject.clientId,
        iat,
        exp: iat + ttlSeconds,
        jti: randomUUID(),
        sid: subject.sessionId,
        scope: subject.scopes.join(' '),
        ...(subject.isolatedAccountIds?.length ? { isolated_accounts: [...subject.isolatedAccountIds] } : {}),
        ...(subject.subkey === undefined ? {} : { subkey: subject.subkey }),
      }
      return { token: sign(claims, keyRing.activeKey()), expiresIn: ttlSeconds }
    },

    isVerifiedBefore: (token) => verified.get(token) !== undefined,

    async verify(token) {
      const now = Math.floor(clock.now() / 1000)
      let hit = verified.get(token)
      if (hit) {
        // Same check as jose's on a fresh verification: expired once now >= exp + tolerance.
        if (now >= hit.claims.exp + options.clockToleranceSeconds)
          throw new AuthError('TOKEN_EXPIRED', 'expired')
      } else {
        const check = () =>
          verifyAccessToken(token, {
            issuer: options.issuer,
            audience: options.audience,
            now,
            clockToleranceSeconds: options.clockToleranceSeconds,
            resolveKey: (kid) => keyRing.resolve(kid),
          })
        let result = await check()
        // A key another replica made since our last refresh: look once more after re-reading.
        if (!result.ok && result.reason === 'unknown_kid' && (await keyRing.reloadForUnknownKid()))
          result = await check()
        if (!result.ok) {
          throw new AuthError(result.reason === 'expired' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID', result.reason)
        }
        hit = verifiedOf(result.value)
        verified.set(token, hit)
      }
      // A plain boolean on the hot path (no await); a promise only while the bus is down.
      const revoked = isSessionRevoked(hit.sessionId)
      if (revoked === true || (revoked !== false && (await revoked))) throw new AuthError('SESSION_REVOKED')
      return hit
    },
  }
}

/**
 * What verified claims say, read once per token (the cache keeps it, frozen and shared by every
 * request that presents the token): exp and revocation are still judged on every request.
 */
function verifiedOf(claims: AccessTokenClaims): VerifiedAccessToken {
  return Object.freeze({
    claims,
    accountId: claims.sub,
    sessionId: claims.sid,
    scopes: Object.freeze(parseScopeClaim(claims.scope)),
    clientId: claims.client_id,
    ...(claims.isolated_accounts ? { isolatedAccountIds: Object.freeze([...claims.isolated_accounts]) } : {}),
    ...(claims.subkey === undefined ? {} : { subkey: claims.subkey }),
  })
}
