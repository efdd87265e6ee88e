/**
 * URLs as they may be printed or logged. Connection URLs carry passwords in their userinfo; RPC
 * providers put API keys in the path or query as well.
 */

/** `scheme://user:password@host/db` → `scheme://***@host/db`; an unparseable URL keeps only its scheme. */
export function redactUrlCredentials(url: string): string {
  try {
    const parsed = new URL(url)
    if (!parsed.username && !parsed.password) return url
    return `${parsed.protocol}//***@${parsed.host}${parsed.pathname}${parsed.search}${parsed.hash}`
  } catch {
    // Never risk echoing a credential from something we could not parse.
    return `${url.split(':', 1)[0]}://…`
  }
}

/** Scheme and host only: no userinfo, no path or query. */
export function redactUrlToOrigin(url: string): string {
  try {
    const { protocol, host } = new URL(url)
    return `${protocol}//${host}/…`
  } catch {
    return '(invalid URL)'
  }
}
