/**
 * The path to forward (`/v1/…`, query excluded), or undefined when the raw path is not plainly
 * under `<prefix>/v1/`: a dot segment or an encoded slash or backslash, which the backend might
 * resolve to a path outside `/v1` (or outside its base path) that Sigil never agreed to expose.
 */
export function upstreamPath(url: string, prefix: string): string | undefined {
  const query = url.indexOf('?')
  const path = query === -1 ? url : url.slice(0, query)
  if (!path.startsWith(`${prefix}/v1/`)) return undefined
  const below = path.slice(prefix.length)
  for (const segment of below.split('/')) {
    let decoded: string
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      return undefined
    }
    if (decoded === '.' || decoded === '..' || /[/\\]/.test(decoded)) return undefined
  }
  return below
}
