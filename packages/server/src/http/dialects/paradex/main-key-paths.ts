import type { FastifyRequest } from 'fastify'
import { AuthError } from '../../../core/errors.js'
import { upstreamPath } from './upstream-request.js'

/**
 * Reverse-proxy paths (below `/v1`) where a Paradex subkey may only read: what Paradex says
 * subkeys cannot do (withdraw, transfer, modify account settings, manage keys) and the endpoints
 * whose docs refuse subkey-scoped tokens. Paradex publishes no such list: this one is inferred
 * from its docs and OpenAPI (docs/paradex-subkeys.md), and `paradex.upstreamMainKeyPaths` replaces it.
 */
export const PARADEX_MAIN_KEY_PATHS = [
  'account/tokens',
  'account/terminal-token',
  'account/settings',
  'account/profile',
  'account/referrer',
  'account/compliance',
  'account/paradigm',
  'xp/transfer',
  'vaults',
]

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The forwarded path's segments as the backend will route them: decoded, lower-cased. */
function segmentsOf(path: string): string[] {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      try {
        return decodeURIComponent(segment).toLowerCase()
      } catch {
        return segment.toLowerCase()
      }
    })
}

/** Whether `/v1/<path>` is one of `paths` or below one (`account/tokens` covers `account/tokens/x`). */
export function isMainKeyPath(below: string, paths: readonly string[]): boolean {
  const [version, ...segments] = segmentsOf(below)
  if (version !== 'v1') return false
  return paths.some((path) => {
    const wanted = path.split('/')
    return wanted.length <= segments.length && wanted.every((segment, i) => segments[i] === segment)
  })
}

/** The upstream proxy's own rule: a subkey's JWT changes nothing on a main-key path. */
export const refuseSubkeysOn = (paths: readonly string[], prefix: string) => (request: FastifyRequest) => {
  if (request.identity?.subkey === undefined || READS.has(request.method)) return
  // upstreamPath has refused dot segments and encoded slashes already (the proxy's `target`).
  const below = upstreamPath(request.url, prefix)
  if (below !== undefined && isMainKeyPath(below, paths)) {
    throw new AuthError('SUBKEY_FORBIDDEN', 'a subkey cannot do this', { detail: 'main_key_path' })
  }
}
