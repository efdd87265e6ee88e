import { createSigilClient, type SigilClient, SigilError } from '@sigil/client'

/** The native API's prefix, written into the page by the server (empty: at the root). */
function nativePrefix(): string {
  const value = document.querySelector('meta[name="sigil-native-prefix"]')?.getAttribute('content') ?? ''
  // Unreplaced (the page opened from Vite's dev server): the API is at the root.
  return value.startsWith('/') ? value : ''
}

export const apiBase = `${window.location.origin}${nativePrefix()}`

/** Same origin: the browser sends the session cookie and an Origin header Sigil's CSRF check accepts. */
export const sigil: SigilClient = createSigilClient({ baseUrl: apiBase, credentials: 'same-origin' })

/** A sentence for the person at the screen: the server's detail, else its title, else the code. */
export function describeError(error: unknown): string {
  if (error instanceof SigilError) return `${error.detail ?? error.title ?? error.code} (${error.code})`
  return error instanceof Error ? error.message : String(error)
}
