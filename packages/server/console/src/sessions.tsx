import type { Session } from '@sigil/client'
import { useEffect, useState } from 'preact/hooks'
import type { Announce } from './app.js'
import { when } from './format.js'
import { describeError, sigil } from './sigil.js'

interface Props {
  version: number
  changed(): void
  announce: Announce
  signedOut(): void
}

export function Sessions({ version, changed, announce, signedOut }: Props) {
  const [sessions, setSessions] = useState<Session[]>()
  const [error, setError] = useState<string>()

  useEffect(() => {
    sigil.sessions.list().then(setSessions, (e) => setError(describeError(e)))
  }, [version])

  const revoke = async (session: Session) => {
    try {
      await sigil.sessions.revoke(session.id)
      if (session.current) return signedOut()
      announce('Session revoked.')
      changed()
    } catch (e) {
      setError(describeError(e))
    }
  }

  const revokeAll = async () => {
    try {
      await sigil.logoutAll()
      signedOut()
    } catch (e) {
      setError(describeError(e))
    }
  }

  return (
    <section aria-labelledby="sessions-title" class="card">
      <h2 id="sessions-title">Sessions</h2>
      <p>Every place this wallet is signed in: browsers (cookie) and apps (tokens).</p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {sessions && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Active sessions</caption>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">IP</th>
                <th scope="col">Browser or app</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.kind}
                    {s.current && <strong class="badge">this browser</strong>}
                  </td>
                  <td>{when(s.createdAt)}</td>
                  <td>{when(s.lastUsedAt)}</td>
                  <td>{when(s.expiresAt)}</td>
                  <td>{s.ip ?? '—'}</td>
                  <td class="ua">{s.userAgent ?? '—'}</td>
                  <td>
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Revoke session ${s.current ? '(this browser)' : s.id}`}
                      onClick={() => revoke(s)}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <button type="button" class="danger" onClick={revokeAll}>
        Sign out everywhere
      </button>
    </section>
  )
}
