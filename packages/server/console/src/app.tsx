import type { Me } from '@sigil/client'
import { isSigilError } from '@sigil/client'
import { useCallback, useEffect, useState } from 'preact/hooks'
import { Activity } from './activity.js'
import { ApiKeys } from './api-keys.js'
import { Sessions } from './sessions.js'
import { describeError, sigil } from './sigil.js'
import { SignIn } from './sign-in.js'

export type Announce = (message: string) => void

export function App() {
  const [me, setMe] = useState<Me | null>()
  const [error, setError] = useState<string>()
  const [status, setStatus] = useState('')
  // Bumped after every change, so the lists (and the activity log) read the server again.
  const [version, setVersion] = useState(0)
  const changed = useCallback(() => setVersion((v) => v + 1), [])

  const load = useCallback(async () => {
    try {
      setMe(await sigil.me())
      setError(undefined)
    } catch (e) {
      // No cookie, or an ended session: sign in.
      if (isSigilError(e) && e.status === 401) setMe(null)
      else setError(describeError(e))
    }
  }, [])
  useEffect(() => {
    void load()
  }, [load])

  /** After a sign-out (here, or this session revoked in the list): back to the sign-in. */
  const signedOut = useCallback(() => {
    setMe(null)
    setStatus('Signed out.')
  }, [])

  const signOut = async () => {
    try {
      await sigil.logout()
      signedOut()
    } catch (e) {
      setError(describeError(e))
    }
  }

  return (
    <>
      <header class="top">
        <h1>Sigil console</h1>
        {me && (
          <button type="button" class="secondary" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <p role="status" aria-live="polite" class="status">
          {status}
        </p>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        {me === undefined && !error && <p>Loading…</p>}
        {me === null && (
          <SignIn
            onSignedIn={() => {
              setStatus('Signed in.')
              void load()
            }}
          />
        )}
        {me && (
          <>
            <section aria-labelledby="account-title" class="card">
              <h2 id="account-title">Account</h2>
              <dl class="facts">
                <dt>Address</dt>
                <dd>
                  <code>{me.account.address}</code>
                </dd>
                <dt>Account id</dt>
                <dd>
                  <code>{me.account.id}</code>
                </dd>
                <dt>Status</dt>
                <dd>{me.account.status}</dd>
                <dt>Signed in with</dt>
                <dd>{me.credential === 'cookie' ? 'a session cookie (this browser)' : me.credential}</dd>
              </dl>
            </section>
            <ApiKeys version={version} changed={changed} announce={setStatus} />
            <Sessions version={version} changed={changed} announce={setStatus} signedOut={signedOut} />
            <Activity version={version} />
          </>
        )}
      </main>
    </>
  )
}
