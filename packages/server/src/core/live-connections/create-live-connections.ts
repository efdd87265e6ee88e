import type { Clock } from '../clock.js'
import { type AuthErrorCode, isAuthError } from '../errors.js'
import type { Identity } from '../identity.js'
import type { ApiKeyChange } from '../revocation/revocation-bus.js'

/**
 * Why a live connection is ended by core: the transport tells the client (its stable `code`) and
 * closes with the close code documented for the reason.
 */
export interface ConnectionEnd {
  reason: 'session_revoked' | 'api_key_revoked' | 'credential_expired'
  code: AuthErrorCode
}

/** A long-lived connection (a WebSocket) that authenticated once and must not outlive its credential. */
export interface LiveConnection {
  readonly identity: Identity
  /** When its credential stops being valid (ms); absent: never by itself (Paradex's sockets outlive their JWT). */
  readonly expiresAt?: number
  /**
   * Checks the credential again against the store (an API key after a rotation, or after the bus
   * missed messages): resolves with its validity now, rejects with the AuthError that refuses it.
   */
  recheck?(): Promise<{ expiresAt?: number }>
  /** Core decided it is over: tell the client why and close. Called at most once. */
  end(end: ConnectionEnd): void
}

export interface LiveConnections {
  /** Starts watching a connection's credential; the function stops it (idempotent). */
  track(connection: LiveConnection): () => void
  /** Sessions ended (logout, log out everywhere, revoked, refresh-token reuse): their connections end. */
  sessionsEnded(sessionIds: readonly string[]): void
  /** API keys revoked (their connections end) or rotated (their connections are checked again). */
  apiKeysChanged(keyIds: readonly string[], change: ApiKeyChange): Promise<void>
  /** Ends the connections of every session `isRevoked` names (the revocation list, rebuilt from the store). */
  sweepSessions(isRevoked: (sessionId: string) => boolean): void
  /** After messages may have been missed: sessions swept, and every API key checked again in the store. */
  resync(isRevoked: (sessionId: string) => boolean): Promise<void>
  /** Connections tracked now. */
  readonly size: number
}

interface Entry {
  connection: LiveConnection
  timer?: NodeJS.Timeout | undefined
  done: boolean
}

/** setTimeout fires at once past 2^31-1 ms (24.8 days): a longer wait is taken in steps. */
const MAX_TIMER_MS = 2_147_483_647

/**
 * The registry of live connections by session id and API-key id, fed by the revocation bus, and
 * the timers that end a connection when its credential expires. Core, so every transport (the
 * native and the Paradex WebSocket) is closed by the same rules.
 */
export function createLiveConnections(clock: Clock): LiveConnections {
  const bySession = new Map<string, Set<Entry>>()
  const byApiKey = new Map<string, Set<Entry>>()
  let size = 0

  const index = (map: Map<string, Set<Entry>>, key: string | undefined, entry: Entry, add: boolean) => {
    if (key === undefined) return
    const set = map.get(key)
    if (add) map.set(key, (set ?? new Set()).add(entry))
    else if (set?.delete(entry) && set.size === 0) map.delete(key)
  }

  const release = (entry: Entry) => {
    if (entry.done) return
    entry.done = true
    clearTimeout(entry.timer)
    const { identity } = entry.connection
    index(bySession, identity.sessionId, entry, false)
    index(byApiKey, identity.apiKeyId, entry, false)
    size -= 1
  }

  const end = (entry: Entry, ending: ConnectionEnd) => {
    if (entry.done) return
    release(entry)
    entry.connection.end(ending)
  }

  const expired = (entry: Entry): ConnectionEnd => ({
    reason: 'credential_expired',
    code: entry.connection.identity.apiKeyId === undefined ? 'TOKEN_EXPIRED' : 'API_KEY_EXPIRED',
  })

  const arm = (entry: Entry, expiresAt: number | undefined) => {
    clearTimeout(entry.timer)
    entry.timer = undefined
    if (expiresAt === undefined || entry.done) return
    const wait = expiresAt - clock.now()
    if (wait <= 0) {
      queueMicrotask(() => end(entry, expired(entry)))
      return
    }
    entry.timer = setTimeout(
      () => {
        if (wait > MAX_TIMER_MS) arm(entry, expiresAt)
        else end(entry, expired(entry))
      },
      Math.min(wait, MAX_TIMER_MS),
    )
    // A connection's expiry never keeps the process alive on its own.
    entry.timer.unref()
  }

  /** An API key's connection, asked again: still valid (maybe until a new time), or refused. */
  const recheck = async (entry: Entry) => {
    if (entry.done || !entry.connection.recheck) return
    try {
      const { expiresAt } = await entry.connection.recheck()
      arm(entry, expiresAt)
    } catch (error) {
      // The store could not answer: nothing is known; the next resync asks again.
      if (!isAuthError(error)) return
      const reason = error.code === 'API_KEY_EXPIRED' ? 'credential_expired' : 'api_key_revoked'
      end(entry, { reason, code: error.code })
    }
  }

  const entriesOf = (map: Map<string, Set<Entry>>, keys: Iterable<string>) =>
    [...keys].flatMap((key) => [...(map.get(key) ?? [])])

  function sweepSessions(isRevoked: (sessionId: string) => boolean) {
    for (const [sessionId, entries] of [...bySession]) {
      if (!isRevoked(sessionId)) continue
      for (const entry of [...entries]) end(entry, { reason: 'session_revoked', code: 'SESSION_REVOKED' })
    }
  }

  return {
    track(connection) {
      const entry: Entry = { connection, done: false }
      index(bySession, connection.identity.sessionId, entry, true)
      index(byApiKey, connection.identity.apiKeyId, entry, true)
      size += 1
      arm(entry, connection.expiresAt)
      return () => release(entry)
    },

    sessionsEnded(sessionIds) {
      for (const entry of entriesOf(bySession, sessionIds))
        end(entry, { reason: 'session_revoked', code: 'SESSION_REVOKED' })
    },

    async apiKeysChanged(keyIds, change) {
      const entries = entriesOf(byApiKey, keyIds)
      if (change === 'revoked') {
        for (const entry of entries) end(entry, { reason: 'api_key_revoked', code: 'API_KEY_REVOKED' })
        return
      }
      await Promise.all(entries.map(recheck))
    },

    sweepSessions,

    async resync(isRevoked) {
      sweepSessions(isRevoked)
      await Promise.all(entriesOf(byApiKey, [...byApiKey.keys()]).map(recheck))
    },

    get size() {
      return size
    },
  }
}
