/**
 * A reverse-proxy target is a base every request is appended to: credentials in it would reach
 * the backend on every call (and leak into logs), and a query or fragment cannot be appended to.
 * `key`: the setting's name, as problems name it.
 */
export function checkUpstreamUrl(raw: string | undefined, key: string, problems: string[]) {
  if (raw === undefined) return
  const bad = (why: string) => problems.push(`${key}: ${why}`)
  if (!URL.canParse(raw)) {
    bad('not an absolute URL')
    return
  }
  const url = new URL(raw)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') bad('must be http or https')
  if (url.username || url.password) bad('must not carry credentials')
  // An empty `?` or `#` parses to an empty search or hash: look at the text.
  if (/[?#]/.test(raw)) bad('must not have a query or fragment')
}
