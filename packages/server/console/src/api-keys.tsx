import type { ApiKey, ApiKeyScope, ApiKeyWithSecret, CreateApiKeyInput } from '@sigil/client'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { Announce } from './app.js'
import { ipList, when } from './format.js'
import { describeError, sigil } from './sigil.js'

interface Props {
  version: number
  changed(): void
  announce: Announce
}

export function ApiKeys({ version, changed, announce }: Props) {
  const [keys, setKeys] = useState<ApiKey[]>()
  const [error, setError] = useState<string>()
  const [shown, setShown] = useState<{ key: ApiKeyWithSecret; how: 'created' | 'rotated' }>()
  const [confirming, setConfirming] = useState<string>()

  useEffect(() => {
    sigil.apiKeys.list().then(setKeys, (e) => setError(describeError(e)))
  }, [version])

  const act = async (work: () => Promise<void>) => {
    setError(undefined)
    try {
      await work()
      changed()
    } catch (e) {
      setError(describeError(e))
    }
  }

  const rotate = (key: ApiKey) =>
    act(async () => {
      setShown({ key: await sigil.apiKeys.rotate(key.id), how: 'rotated' })
    })

  const revoke = (key: ApiKey) =>
    act(async () => {
      await sigil.apiKeys.revoke(key.id)
      setConfirming(undefined)
      announce(`API key ${key.name} revoked.`)
    })

  return (
    <section aria-labelledby="keys-title" class="card">
      <h2 id="keys-title">API keys</h2>
      <p>Keys let a bot call the API without your wallet. A key cannot manage keys or sessions.</p>
      <CreateKeyForm
        onCreated={(key) => {
          setShown({ key, how: 'created' })
          changed()
        }}
      />
      {shown && <SecretOnce shown={shown} onDone={() => setShown(undefined)} />}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {keys && keys.length === 0 && <p>No API keys yet.</p>}
      {keys && keys.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Your API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Key</th>
                <th scope="col">Allowed IPs</th>
                <th scope="col">Status</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>{k.scope}</td>
                  <td>
                    <code>{k.masked}</code>
                  </td>
                  <td>{k.allowedIps.length > 0 ? k.allowedIps.join(', ') : 'any'}</td>
                  <td>{k.status}</td>
                  <td>{k.expiresAt ? when(k.expiresAt) : 'never'}</td>
                  <td>{k.lastUsedAt ? `${when(k.lastUsedAt)} from ${k.lastUsedIp ?? '?'}` : 'never'}</td>
                  <td class="actions">
                    {k.status === 'active' && confirming !== k.id && (
                      <>
                        <button
                          type="button"
                          class="secondary"
                          aria-label={`Rotate key ${k.name}`}
                          onClick={() => rotate(k)}
                        >
                          Rotate
                        </button>
                        <button
                          type="button"
                          class="danger"
                          aria-label={`Revoke key ${k.name}`}
                          onClick={() => setConfirming(k.id)}
                        >
                          Revoke
                        </button>
                      </>
                    )}
                    {k.status === 'active' && confirming === k.id && (
                      <>
                        <button
                          type="button"
                          class="danger"
                          aria-label={`Confirm revoking key ${k.name}`}
                          onClick={() => revoke(k)}
                        >
                          Confirm revoke
                        </button>
                        <button type="button" class="secondary" onClick={() => setConfirming(undefined)}>
                          Cancel
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function CreateKeyForm({ onCreated }: { onCreated(key: ApiKeyWithSecret): void }) {
  const [name, setName] = useState('')
  const [scope, setScope] = useState<ApiKeyScope>('read')
  const [ips, setIps] = useState('')
  const [days, setDays] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()

  const submit = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const input: CreateApiKeyInput = { name: name.trim(), scope }
      const allowed = ipList(ips)
      if (allowed.length > 0) input.allowedIps = allowed
      if (days.trim() !== '') input.expiresInDays = Number(days)
      onCreated(await sigil.apiKeys.create(input))
      setName('')
      setIps('')
      setDays('')
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="create-key" onSubmit={submit} aria-labelledby="create-key-title">
      <h3 id="create-key-title">Create a key</h3>
      <div class="field">
        <label for="key-name">Name</label>
        <input
          id="key-name"
          required
          maxLength={64}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="key-scope">Scope</label>
        <select
          id="key-scope"
          value={scope}
          onChange={(e) => setScope(e.currentTarget.value as ApiKeyScope)}
          aria-describedby="key-scope-help"
        >
          <option value="read">read</option>
          <option value="trade">trade</option>
        </select>
        <small id="key-scope-help">read: look only. trade: read and place orders.</small>
      </div>
      <div class="field">
        <label for="key-ips">Allowed IPs (optional)</label>
        <textarea
          id="key-ips"
          rows={2}
          value={ips}
          onInput={(e) => setIps(e.currentTarget.value)}
          aria-describedby="key-ips-help"
        />
        <small id="key-ips-help">
          Addresses or CIDR ranges, one per line or comma-separated. Empty: any IP.
        </small>
      </div>
      <div class="field">
        <label for="key-days">Expires in days (optional)</label>
        <input
          id="key-days"
          type="number"
          min={1}
          max={3650}
          inputMode="numeric"
          value={days}
          onInput={(e) => setDays(e.currentTarget.value)}
          aria-describedby="key-days-help"
        />
        <small id="key-days-help">Empty: the key does not expire.</small>
      </div>
      <button type="submit" disabled={busy}>
        Create key
      </button>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </form>
  )
}

/** The secret, this once: focus moves here so a screen reader reads the warning first. */
function SecretOnce({
  shown,
  onDone,
}: {
  shown: { key: ApiKeyWithSecret; how: 'created' | 'rotated' }
  onDone(): void
}) {
  const heading = useRef<HTMLHeadingElement>(null)
  const [copied, setCopied] = useState<string>()
  useEffect(() => heading.current?.focus(), [shown])

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(shown.key.secret)
      setCopied('Copied to the clipboard.')
    } catch {
      setCopied('Copying was refused by the browser: select the key and copy it by hand.')
    }
  }

  return (
    <section class="secret" aria-labelledby="secret-title">
      <h3 id="secret-title" tabIndex={-1} ref={heading}>
        Key “{shown.key.name}” {shown.how}: copy its secret now
      </h3>
      <p class="warning">
        <strong>This is the only time the secret is shown.</strong> Sigil keeps only a hash of it: if you lose
        it, rotate or revoke the key. Store it like a password; anyone holding it can act with this key’s
        scope.
      </p>
      <label for="secret-value">New API key secret</label>
      <div class="secret-row">
        <input
          id="secret-value"
          readOnly
          value={shown.key.secret}
          spellcheck={false}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" onClick={copy}>
          Copy
        </button>
      </div>
      <p role="status" aria-live="polite">
        {copied}
      </p>
      <button type="button" class="secondary" onClick={onDone}>
        I have saved it
      </button>
    </section>
  )
}
