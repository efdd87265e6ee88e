import { Type } from '@sinclair/typebox'
import { Prefix, SiweBindingSettings } from '../../../config-schema-kit.js'

export const EvedexSettings = Type.Object({
  prefix: Prefix('/evedex', 'Mount point of the EVEDEX dialect ("" = root).'),
  ...SiweBindingSettings(
    'EVEDEX',
    [161803, 16182],
    'Chain ids EVEDEX messages may name (mainnet 161803, demo/dev 16182).',
  ),
})
