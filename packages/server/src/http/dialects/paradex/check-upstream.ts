import type { ParadexSettingsValue } from './settings.js'

/** Paths below /v1 that Sigil serves itself: a public entry for one would be a second route. */
const OWN_PATHS = ['system/config', 'onboarding', 'jwks.json', 'auth', 'auth/{public_key}']

/**
 * The reverse-proxy target is a base every request is appended to: credentials in it would reach
 * the backend on every call (and leak into logs), and a query or fragment cannot be appended to.
 */
export function checkUpstream(settings: ParadexSettingsValue, problems: string[]) {
  const raw = settings.upstreamUrl
  if (raw === undefined) return
  const bad = (why: string) => problems.push(`paradex.upstreamUrl: ${why}`)
  if (!URL.canParse(raw)) {
    bad('not an absolute URL')
    return
  }
  const url = new URL(raw)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') bad('must be http or https')
  if (url.username || url.password) bad('must not carry credentials')
  // An empty `?` or `#` parses to an empty search or hash: look at the text.
  if (/[?#]/.test(raw)) bad('must not have a query or fragment')
  const shapes = new Set<string>()
  for (const path of settings.upstreamPublicPaths) {
    if (OWN_PATHS.includes(path))
      problems.push(`paradex.upstreamPublicPaths: ${path} is served by Sigil itself`)
    const shape = path.replace(/\{[a-z_]+\}/g, '{}')
    if (shapes.has(shape)) problems.push(`paradex.upstreamPublicPaths: ${path} is listed twice`)
    shapes.add(shape)
  }
}
