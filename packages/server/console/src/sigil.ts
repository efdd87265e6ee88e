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

export interface AuditEvent {
  id: number
  at: string
  type: string
  ip?: string
  detail?: Record<string, string | number | boolean>
}

/** GET /v1/auth/audit (the SDK has no call for it yet). */
export async function recentAuditEvents(limit = 50): Promise<AuditEvent[]> {
  const response = await fetch(`${apiBase}/v1/auth/audit?limit=${limit}`, {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
  })
  const body = (await response.json().catch(() => undefined)) as
    | { events?: AuditEvent[]; code?: string; detail?: string; title?: string }
    | undefined
  if (!response.ok || !body?.events) {
    throw new SigilError({
      code: body?.code ?? 'UNEXPECTED_RESPONSE',
      status: response.status,
      detail: body?.detail ?? body?.title ?? `HTTP ${response.status}`,
    })
  }
  return body.events
}

/** A sentence for the person at the screen: the server's detail, else its title, else the code. */
export function describeError(error: unknown): string {
  if (error instanceof SigilError) return `${error.detail ?? error.title ?? error.code} (${error.code})`
  return error instanceof Error ? error.message : String(error)
}
