import type { AuditEvent } from '@sigil/client'
import { useEffect, useState } from 'preact/hooks'
import { facts, when } from './format.js'
import { describeError, sigil } from './sigil.js'

/** The account's recent security events (GET /v1/auth/audit), newest first. */
export function Activity({ version }: { version: number }) {
  const [events, setEvents] = useState<AuditEvent[]>()
  const [error, setError] = useState<string>()

  useEffect(() => {
    sigil.audit.list().then(setEvents, (e) => setError(describeError(e)))
  }, [version])

  return (
    <section aria-labelledby="activity-title" class="card">
      <h2 id="activity-title">Recent activity</h2>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {events && events.length === 0 && <p>No events yet.</p>}
      {events && events.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Recent security events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">IP</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td>{when(e.at)}</td>
                  <td>
                    <code>{e.type}</code>
                  </td>
                  <td>{e.ip ?? '—'}</td>
                  <td>{facts(e.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
