import { useEffect, useRef, useState } from 'preact/hooks'
import { describeError, sigil } from './sigil.js'

/** The wallet the page was given (MetaMask, Rabby, Frame… inject `window.ethereum`, EIP-1193). */
interface Eip1193 {
  request(args: { method: string; params?: readonly unknown[] }): Promise<unknown>
}
const injected = (): Eip1193 | undefined => (window as { ethereum?: Eip1193 }).ethereum

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [address, setAddress] = useState<string>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const wallet = injected()
  // The Connect button is replaced by this one: focus follows, so a keyboard user stays in place.
  const signInButton = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (address !== undefined) signInButton.current?.focus()
  }, [address])

  const run = async (work: () => Promise<void>) => {
    setBusy(true)
    setError(undefined)
    try {
      await work()
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }

  const connect = () =>
    run(async () => {
      const accounts = (await wallet!.request({ method: 'eth_requestAccounts' })) as string[]
      setAddress(accounts[0])
    })

  const signIn = () =>
    run(async () => {
      await sigil.signInWithEthereum(wallet!, {
        credential: 'session',
        statement: 'Sign in to the Sigil console.',
      })
      onSignedIn()
    })

  return (
    <section aria-labelledby="sign-in-title" class="card">
      <h2 id="sign-in-title">Sign in</h2>
      {!wallet ? (
        <p role="alert">
          No Ethereum wallet was found in this browser. Install or unlock a wallet extension (it provides{' '}
          <code>window.ethereum</code>), then reload this page.
        </p>
      ) : address === undefined ? (
        <>
          <p>Connect your wallet, then sign a Sign-In with Ethereum message. Signing costs nothing.</p>
          <button type="button" onClick={connect} disabled={busy}>
            Connect wallet
          </button>
        </>
      ) : (
        <>
          <p>
            Connected: <code>{address}</code>. Your wallet will show the message to sign.
          </p>
          <button type="button" ref={signInButton} onClick={signIn} disabled={busy}>
            Sign in with Ethereum
          </button>
        </>
      )}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </section>
  )
}
