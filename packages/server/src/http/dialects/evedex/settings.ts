import { Type } from '@sinclair/typebox'
import { ChainIds, Prefix } from '../../../config-schema-kit.js'

export const EvedexSettings = Type.Object({
  prefix: Prefix('/evedex', 'Mount point of the EVEDEX dialect ("" = root).'),
  siweDomain: Type.Optional(
    Type.String({ minLength: 1, description: 'SIWE domain for EVEDEX clients; default: siweDomain.' }),
  ),
  siweUri: Type.Optional(
    Type.String({ minLength: 1, description: 'SIWE URI for EVEDEX clients; default: siweUri.' }),
  ),
  chainIds: ChainIds([161803, 16182], 'Chain ids EVEDEX messages may name (mainnet 161803, demo/dev 16182).'),
})
