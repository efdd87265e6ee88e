import { type Static, Type } from '@sinclair/typebox'
import { accountSettings } from './config-schema/account-settings.js'
import { gatewaySettings } from './config-schema/gateway-settings.js'
import { processSettings } from './config-schema/process-settings.js'
import { rateLimitSettings } from './config-schema/rate-limit-settings.js'
import { serverSettings } from './config-schema/server-settings.js'
import { signInSettings } from './config-schema/sign-in-settings.js'
import { tokenSettings } from './config-schema/token-settings.js'

/**
 * The settings of Sigil itself: with each dialect's own settings (http/dialects/<id>/settings.ts,
 * nested under its id), one schema for defaults, validation, the `SIGIL_*` environment mapping and
 * docs/configuration.md (config.ts assembles it from the registry).
 */

export const BaseConfigSchema = Type.Object(
  {
    ...serverSettings,
    ...signInSettings,
    ...tokenSettings,
    ...processSettings,
    ...accountSettings,
    ...rateLimitSettings,
    ...gatewaySettings,
  },
  { additionalProperties: false },
)

export type BaseConfigInput = Static<typeof BaseConfigSchema>
