import { defineDialect } from '../define-dialect.js'
import { evedexErrors } from './errors.js'
import { evedexRoutes } from './routes.js'
import { EvedexSettings } from './settings.js'

/** The EVEDEX auth API (auth-api.evedex.com): SIWE sign-up, JWT pairs, sessions and API keys. */
export const evedexDialect = defineDialect({
  id: 'evedex',
  settings: EvedexSettings,
  core: {
    siwe: (settings) => ({ domain: settings.siweDomain, uri: settings.siweUri, chainIds: settings.chainIds }),
  },
  errors: evedexErrors,
  routes: evedexRoutes,
})
