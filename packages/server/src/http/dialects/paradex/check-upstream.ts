import { checkUpstreamUrl } from '../../proxy/check-upstream-url.js'
import type { ParadexSettingsValue } from './settings.js'

/** Paths below /v1 that Sigil serves itself: a public entry for one would be a second route. */
const OWN_PATHS = ['system/config', 'onboarding', 'jwks.json', 'auth', 'auth/{public_key}']

/** The upstream URL (checkUpstreamUrl), and public paths Sigil does not serve itself, each once. */
export function checkUpstream(settings: ParadexSettingsValue, problems: string[]) {
  checkUpstreamUrl(settings.upstreamUrl, 'paradex.upstreamUrl', problems)
  const shapes = new Set<string>()
  for (const path of settings.upstreamPublicPaths) {
    if (OWN_PATHS.includes(path))
      problems.push(`paradex.upstreamPublicPaths: ${path} is served by Sigil itself`)
    const shape = path.replace(/\{[a-z_]+\}/g, '{}')
    if (shapes.has(shape)) problems.push(`paradex.upstreamPublicPaths: ${path} is listed twice`)
    shapes.add(shape)
  }
}
