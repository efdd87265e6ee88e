/** Dates as the person's locale writes them; a missing one as a dash. */
export const when = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—'

/** An audit event's facts (`key: abc, scope: read`); never a secret (the server records none). */
export const facts = (detail: Record<string, string | number | boolean> | undefined): string =>
  detail
    ? Object.entries(detail)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')
    : ''

/** Addresses and ranges from free text: one per line, or separated by commas or spaces. */
export const ipList = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean)
