import { defineDialect } from '../define-dialect.js'
import { ocxSessionCookie } from './cookie.js'
import { ocxErrors } from './errors.js'
import { ocxRoutes } from './routes.js'
import { OcxSettings } from './settings.js'

/** The OCX auth API: wallet-bound nonces, SIWE to a session cookie, API keys printed `ocx_sk_`. */
export const ocxDialect = defineDialect({
  id: 'ocx',
  settings: OcxSettings,
  core: {
    // OCX requires an Expiration Time within its window ("a signature for later" is refused).
    siwe: (settings) => ({
      domain: settings.siweDomain,
      uri: settings.siweUri,
      chainIds: settings.chainIds,
      expirationRequiredWithinMs: settings.maxExpirationSeconds * 1000,
    }),
  },
  errors: ocxErrors,
  cookies: (settings) => [ocxSessionCookie(settings)],
  routes: ocxRoutes,
  check(settings, config, problems) {
    if (settings.sessionCookieName === config.sessionCookieName)
      problems.push('ocx.sessionCookieName: the same name as sessionCookieName')
  },
})
