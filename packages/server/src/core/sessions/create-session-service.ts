import type { AuditLog } from '../audit/create-audit-log.js'
import type { Clock } from '../clock.js'
import { AuthError, isAuthError } from '../errors.js'
import type { AuditEvent, ContractWalletCheck, RefreshToken, Session, SessionStore } from '../ports.js'
import { createLocalRevocationBus, type RevocationBus } from '../revocation/revocation-bus.js'
import { createSecretToken, parseSecretToken, randomId, secretMatches } from '../secret-token.js'
import type { RevocationList } from './revocation-list.js'
import { openSuccessor, sealSuccessor } from './successor-seal.js'

export interface SessionServiceOptions {
  /** Idle lifetime of a refresh token: each rotation issues a new one valid this long. */
  refreshTokenTtlMs: number
  /** Absolute lifetime of a session, however often it is refreshed. */
  sessionMaxAgeMs: number
  /** How long a revoked session id must stay in the revocation list: the access-token TTL plus skew. */
  accessTokenLifetimeMs: number
  /** Lifetime of a session cookie; with `cookieSliding`, renewed on use up to `sessionMaxAgeMs`. */
  cookieMaxAgeMs: number
  cookieSliding: boolean
  /**
   * `refreshReuseIntervalSeconds` in ms: a rotated refresh token presented again this soon after
   * its rotation gets the same successor (two tabs refreshing at once), not a revoked family. 0 or
   * absent: any second presentation is reuse.
   */
  refreshReuseIntervalMs?: number
  /**
   * Whether a contract wallet still accepts its sign-in signature (`recheckContractWallet` over the
   * chain reader), asked at every refresh of a session that recorded one, and before a sliding
   * cookie is renewed. Absent (`recheckContractWalletsOnRefresh` off): never re-checked. Throws
   * CHAIN_UNAVAILABLE when the node cannot answer.
   */
  recheckContractWallet?: ((check: ContractWalletCheck) => Promise<boolean>) | undefined
}

/** What a new session records: who, from where, and a contract wallet's sign-in check (EOAs: none). */
export interface SessionStartRequest {
  accountId: string
  ip?: string
  userAgent?: string
  contractWallet?: ContractWalletCheck
}

export interface StartedCookieSession {
  session: Session
  /** `id.secret`: the cookie value, shown to the client once; only SHA-256(secret) is stored. */
  cookieValue: string
}

const isChainOutage = (error: unknown) => isAuthError(error) && error.code === 'CHAIN_UNAVAILABLE'

/** How often use of a cookie session is written back (last used; sliding renewal). */
const TOUCH_EVERY_MS = 60_000
const RENEW_EVERY_MS = 3_600_000

/** The audit event that records a new session (its id known only once the session is made). */
export type SessionStartEvent = (sessionId: string) => Omit<AuditEvent, 'at'>

export interface StartedSession {
  session: Session
  refreshToken: string
  refreshExpiresAt: number
}

export interface SessionService {
  /** `event`: the audit event written in the session's own transaction (one write per sign-in). */
  start(request: SessionStartRequest, event?: SessionStartEvent): Promise<StartedSession>
  /** A cookie session: a fresh id at every sign-in, so a client-chosen id can never be fixed. */
  startCookie(request: SessionStartRequest, event?: SessionStartEvent): Promise<StartedCookieSession>
  /**
   * Checks a presented cookie value; returns the session and, when sliding renewal moved its
   * expiry, the new expiry (the transport re-sets the cookie then). A contract wallet's session is
   * re-checked on the chain only when it is about to be renewed (at most hourly), never on every
   * request: refused, the session is revoked (SESSION_REVOKED); node unreachable, it is served
   * without renewal this time.
   */
  authenticateCookie(cookieValue: string): Promise<{ session: Session; renewedUntil?: number }>
  listActive(accountId: string): Promise<Session[]>
  /** Revokes one of the account's sessions; throws SESSION_NOT_FOUND for anything else. */
  revokeOwn(accountId: string, sessionId: string): Promise<void>
  /**
   * Exchanges a refresh token for a new one (rotation). A superseded token revokes its family,
   * unless it is presented again within the reuse interval of its rotation: then it gets the same
   * successor again (no new family member, nothing revoked), also when the two presentations race.
   * A contract wallet's session is re-checked on the chain first (`recheckContractWallet`), after
   * the token is verified and before it is spent: a wallet that no longer accepts its sign-in
   * signature revokes the session (SESSION_REVOKED); an unreachable node is CHAIN_UNAVAILABLE and
   * leaves the presented token unspent, usable again once the node answers.
   */
  refresh(refreshToken: string): Promise<StartedSession>
  revoke(sessionId: string): Promise<void>
  revokeAllOfAccount(accountId: string): Promise<void>
  /**
   * Whether access tokens of this session must be refused: the in-memory list, or (while the
   * revocation bus is not live, so the list may miss another replica's revocation) the store.
   */
  isRevoked(sessionId: string): boolean | Promise<boolean>
  /** Loads recent revocations so that a restart does not revive revoked access tokens. */
  restoreRevocations(): Promise<void>
}

export function createSessionService(
  store: SessionStore,
  revocations: RevocationList,
  clock: Clock,
  options: SessionServiceOptions,
  audit?: AuditLog,
  bus: RevocationBus = createLocalRevocationBus(),
): SessionService {
  const markRevoked = (sessionId: string, at: number) =>
    revocations.add(sessionId, at + options.accessTokenLifetimeMs)
  /** Revoked in the store: now in this process's list, and on every other replica through the bus. */
  const revoked = async (sessionIds: readonly string[], at: number) => {
    for (const id of sessionIds) markRevoked(id, at)
    if (sessionIds.length > 0) await bus.publish({ kind: 'sessions', sessionIds, at })
  }

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

  /** Reuse of a spent refresh token: the family (the session) is presumed stolen and ends. */
  const revokeFamily = async (session: Session, now: number) => {
    await store.revoke(session.id, now)
    await revoked([session.id], now)
    await audit?.record({
      type: 'refresh.reused',
      accountId: session.accountId,
      detail: { session: session.id },
    })
  }

  /**
   * Whether the session may go on: true unless it recorded a contract wallet, re-checking is on,
   * and the wallet now refuses its sign-in signature; then the session is revoked and audited.
   * CHAIN_UNAVAILABLE passes through, and nothing is revoked then.
   */
  const contractWalletStillValid = async (session: Session): Promise<boolean> => {
    if (!session.contractWallet || !options.recheckContractWallet) return true
    if (await options.recheckContractWallet(session.contractWallet)) return true
    const now = clock.now()
    if (await store.revoke(session.id, now)) {
      await revoked([session.id], now)
      await audit?.record({
        type: 'session.revoked',
        accountId: session.accountId,
        detail: { session: session.id, reason: 'contract_wallet_refused' },
      })
    }
    return false
  }
  const reuseIntervalMs = options.refreshReuseIntervalMs ?? 0

  /**
   * A used token presented again: within the reuse interval, the successor its rotation handed
   * out (unsealed with the presented secret; still unused, in a live session), so two tabs that
   * refreshed at once both go on with the same token. Otherwise, or when any of that fails, it
   * is reuse: the family is revoked.
   */
  const replayOrRevoke = async (
    presented: { id: string; secret: string },
    { token, session }: { token: RefreshToken; session: Session },
    now: number,
  ): Promise<StartedSession> => {
    const replayed = await successorWithinInterval(presented, token, session, now)
    if (replayed) return replayed
    await revokeFamily(session, now)
    throw new AuthError('REFRESH_TOKEN_REUSED', `family ${session.id} revoked`)
  }

  const successorWithinInterval = async (
    presented: { id: string; secret: string },
    token: RefreshToken,
    session: Session,
    now: number,
  ): Promise<StartedSession | undefined> => {
    if (token.usedAt === undefined || !token.successorSealed || now - token.usedAt > reuseIntervalMs) return
    if (session.revokedAt !== undefined || session.expiresAt <= now) return
    const value = openSuccessor(presented, token.successorSealed)
    const parts = value === undefined ? undefined : parseSecretToken(value)
    if (!value || !parts) return
    const successor = await store.findRefreshToken(parts.id)
    if (
      !successor ||
      successor.token.sessionId !== session.id ||
      successor.token.usedAt !== undefined ||
      successor.token.expiresAt <= now ||
      !secretMatches(parts.secret, successor.token.secretHash)
    )
      return
    return { session: successor.session, refreshToken: value, refreshExpiresAt: successor.token.expiresAt }
  }

  const walletRefused = () =>
    new AuthError('SESSION_REVOKED', 'the contract wallet no longer accepts its sign-in signature')

  const newSession = (
    kind: Session['kind'],
    id: string,
    expiresAt: number,
    now: number,
    request: SessionStartRequest,
  ): Session => ({
    id,
    accountId: request.accountId,
    kind,
    createdAt: now,
    expiresAt,
    lastUsedAt: now,
    ...(request.ip ? { ip: request.ip } : {}),
    ...(request.userAgent ? { userAgent: request.userAgent.slice(0, 512) } : {}),
    ...(request.contractWallet ? { contractWallet: request.contractWallet } : {}),
  })

  return {
    async startCookie(request, event) {
      const now = clock.now()
      const token = createSecretToken()
      const session = {
        ...newSession(
          'cookie',
          token.id,
          now + Math.min(options.cookieMaxAgeMs, options.sessionMaxAgeMs),
          now,
          request,
        ),
        secretHash: token.secretHash,
      }
      await store.create(session, undefined, event && { ...event(session.id), at: now })
      return { session, cookieValue: token.value }
    },

    async authenticateCookie(cookieValue) {
      const parts = parseSecretToken(cookieValue)
      if (!parts) throw new AuthError('TOKEN_INVALID', 'malformed session cookie')
      const session = await store.find(parts.id)
      if (
        session?.kind !== 'cookie' ||
        !session.secretHash ||
        !secretMatches(parts.secret, session.secretHash)
      ) {
        throw new AuthError('TOKEN_INVALID', 'unknown session cookie')
      }
      const now = clock.now()
      if (session.revokedAt !== undefined || revocations.has(session.id, now))
        throw new AuthError('SESSION_REVOKED')
      if (session.expiresAt <= now) throw new AuthError('TOKEN_EXPIRED', 'session cookie expired')
      const absoluteEnd = session.createdAt + options.sessionMaxAgeMs
      // Renew once the cookie has spent an hour of its lifetime since it was last (re)issued, and
      // only when that actually extends it (the absolute end caps every renewal).
      const extended = Math.min(now + options.cookieMaxAgeMs, absoluteEnd)
      let renew = options.cookieSliding && extended - session.expiresAt >= RENEW_EVERY_MS
      if (renew && session.contractWallet) {
        try {
          if (!(await contractWalletStillValid(session))) throw walletRefused()
        } catch (error) {
          // Node unreachable: the cookie is still within its lifetime; renew it another time.
          if (!isChainOutage(error)) throw error
          renew = false
        }
      }
      const renewedUntil = renew ? extended : undefined
      if (renewedUntil !== undefined || now - session.lastUsedAt >= TOUCH_EVERY_MS) {
        await store.touch(session.id, now, renewedUntil)
      }
      return renewedUntil === undefined
        ? { session }
        : { session: { ...session, expiresAt: renewedUntil }, renewedUntil }
    },

    listActive(accountId) {
      return store.listActiveOfAccount(accountId, clock.now())
    },

    async revokeOwn(accountId, sessionId) {
      const session = await store.find(sessionId)
      // Another account's session is "not found", never "forbidden": ids must not be probeable.
      const gone = !session || session.revokedAt !== undefined || session.expiresAt <= clock.now()
      if (gone || session.accountId !== accountId) {
        throw new AuthError('SESSION_NOT_FOUND')
      }
      const now = clock.now()
      await store.revoke(sessionId, now)
      await revoked([sessionId], now)
    },

    async start(request, event) {
      const now = clock.now()
      const session = newSession('token', randomId(16), now + options.sessionMaxAgeMs, now, request)
      const { token, record } = nextRefreshToken(session, now)
      await store.create(session, record, event && { ...event(session.id), at: now })
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
      if (token.usedAt !== undefined) return replayOrRevoke(parts, found, now)
      if (session.revokedAt !== undefined) throw new AuthError('SESSION_REVOKED')
      if (token.expiresAt <= now || session.expiresAt <= now) throw new AuthError('REFRESH_TOKEN_EXPIRED')
      // Before the rotation: an outage (CHAIN_UNAVAILABLE) must leave the presented token unspent.
      if (!(await contractWalletStillValid(session))) throw walletRefused()

      const next = nextRefreshToken(session, now)
      const sealed = reuseIntervalMs > 0 ? sealSuccessor(parts, next.token.value) : undefined
      const outcome = await store.rotateRefreshToken(token.id, next.record, now, sealed)
      if (outcome === 'already_used') {
        // Lost a race against another presentation of the same token (another tab, another
        // replica). The winner's UPDATE stored its sealed successor with `used_at`, and has
        // committed (ours waited on its row lock), so this read sees both: the same successor
        // within the interval, reuse otherwise.
        const spent = await store.findRefreshToken(parts.id)
        if (!spent) throw new AuthError('REFRESH_TOKEN_INVALID')
        return replayOrRevoke(parts, spent, now)
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
      await revoked([sessionId], now)
    },

    async revokeAllOfAccount(accountId) {
      const now = clock.now()
      await revoked(await store.revokeAllOfAccount(accountId, now), now)
    },

    isRevoked(sessionId) {
      if (revocations.has(sessionId, clock.now())) return true
      if (bus.live && !revocations.overflowed) return false
      return store.find(sessionId).then((session) => session?.revokedAt !== undefined)
    },

    async restoreRevocations() {
      const now = clock.now()
      for (const { id, revokedAt } of await store.listRevokedSince(now - options.accessTokenLifetimeMs)) {
        markRevoked(id, revokedAt)
      }
    },
  }
}
