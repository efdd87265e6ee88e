import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import type { Session, SessionStore } from '../ports.js'
import { createSecretToken, parseSecretToken, randomId, secretMatches } from '../secret-token.js'
import type { RevocationList } from './revocation-list.js'

export interface SessionServiceOptions {
  /** Idle lifetime of a refresh token: each rotation issues a new one valid this long. */
  refreshTokenTtlMs: number
  /** Absolute lifetime of a session, however often it is refreshed. */
  sessionMaxAgeMs: number
  /** How long a revoked session id must stay in the revocation list: the access-token TTL plus skew. */
  accessTokenLifetimeMs: number
}

export interface StartedSession {
  session: Session
  refreshToken: string
  refreshExpiresAt: number
}

export interface SessionService {
  start(request: { accountId: string; ip?: string; userAgent?: string }): Promise<StartedSession>
  /** Exchanges a refresh token for a new one (rotation). A superseded token revokes its family. */
  refresh(refreshToken: string): Promise<StartedSession>
  revoke(sessionId: string): Promise<void>
  revokeAllOfAccount(accountId: string): Promise<void>
  isRevoked(sessionId: string): boolean
  /** Loads recent revocations so that a restart does not revive revoked access tokens. */
  restoreRevocations(): Promise<void>
}

export function createSessionService(
  store: SessionStore,
  revocations: RevocationList,
  clock: Clock,
  options: SessionServiceOptions,
): SessionService {
  const markRevoked = (sessionId: string, at: number) =>
    revocations.add(sessionId, at + options.accessTokenLifetimeMs)

  const nextRefreshToken = (session: Session, now: number) => {
    const token = createSecretToken()
    const expiresAt = Math.min(now + options.refreshTokenTtlMs, session.expiresAt)
    const record = {
      id: token.id,
      sessionId: session.id,
      secretHash: token.secretHash,
      createdAt: now,
      expiresAt,
    }
    return { token, record }
  }

  const revokeFamily = async (sessionId: string, now: number) => {
    await store.revoke(sessionId, now)
    markRevoked(sessionId, now)
  }

  return {
    async start({ accountId, ip, userAgent }) {
      const now = clock.now()
      const session: Session = {
        id: randomId(16),
        accountId,
        kind: 'token',
        createdAt: now,
        expiresAt: now + options.sessionMaxAgeMs,
        lastUsedAt: now,
        ...(ip ? { ip } : {}),
        ...(userAgent ? { userAgent: userAgent.slice(0, 512) } : {}),
      }
      const { token, record } = nextRefreshToken(session, now)
      await store.create(session, record)
      return { session, refreshToken: token.value, refreshExpiresAt: record.expiresAt }
    },

    async refresh(refreshToken) {
      const parts = parseSecretToken(refreshToken)
      if (!parts) throw new AuthError('REFRESH_TOKEN_INVALID', 'not a refresh token')
      const found = await store.findRefreshToken(parts.id)
      // A wrong secret with a right id is the same "invalid" as an unknown id: it proves nothing
      // about the family, so it must not revoke it (else anyone who saw an id could log users out).
      if (!found || !secretMatches(parts.secret, found.token.secretHash)) {
        throw new AuthError('REFRESH_TOKEN_INVALID')
      }
      const { token, session } = found
      const now = clock.now()
      if (token.usedAt !== undefined) {
        await revokeFamily(session.id, now)
        throw new AuthError('REFRESH_TOKEN_REUSED', `family ${session.id} revoked`)
      }
      if (session.revokedAt !== undefined) throw new AuthError('SESSION_REVOKED')
      if (token.expiresAt <= now || session.expiresAt <= now) throw new AuthError('REFRESH_TOKEN_EXPIRED')

      const next = nextRefreshToken(session, now)
      const outcome = await store.rotateRefreshToken(token.id, next.record, now)
      if (outcome === 'already_used') {
        // Lost a race against another presentation of the same token: that is reuse too.
        await revokeFamily(session.id, now)
        throw new AuthError('REFRESH_TOKEN_REUSED', `family ${session.id} revoked (concurrent)`)
      }
      if (outcome === 'session_inactive') throw new AuthError('SESSION_REVOKED')
      return {
        session: { ...session, lastUsedAt: now },
        refreshToken: next.token.value,
        refreshExpiresAt: next.record.expiresAt,
      }
    },

    async revoke(sessionId) {
      const now = clock.now()
      await store.revoke(sessionId, now)
      markRevoked(sessionId, now)
    },

    async revokeAllOfAccount(accountId) {
      const now = clock.now()
      for (const id of await store.revokeAllOfAccount(accountId, now)) markRevoked(id, now)
    },

    isRevoked(sessionId) {
      return revocations.has(sessionId, clock.now())
    },

    async restoreRevocations() {
      const now = clock.now()
      for (const { id, revokedAt } of await store.listRevokedSince(now - options.accessTokenLifetimeMs)) {
        markRevoked(id, revokedAt)
      }
    },
  }
}
