import { Type } from '@sinclair/typebox'

/** Building blocks shared by the base configuration schema and the dialects' settings. */

export const Seconds = (defaultValue: number, description: string, minimum = 1) =>
  Type.Integer({ minimum, default: defaultValue, description })

export const ChainIds = (defaultValue: number[], description: string) =>
  Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), {
    minItems: 1,
    default: defaultValue,
    description,
  })

/** A mount point: `""` (the root) or `/segment[/segment…]`. */
export const Prefix = (defaultValue: string, description: string) =>
  Type.String({ default: defaultValue, pattern: '^(/[A-Za-z0-9._~-]+)*$', description })

/** The SIWE binding a venue's clients sign for: domain and URI default to the native ones. */
export const SiweBindingSettings = (venue: string, chainIds: number[], chainIdsDescription: string) => ({
  siweDomain: Type.Optional(
    Type.String({ minLength: 1, description: `SIWE domain for ${venue} clients; default: siweDomain.` }),
  ),
  siweUri: Type.Optional(
    Type.String({ minLength: 1, description: `SIWE URI for ${venue} clients; default: siweUri.` }),
  ),
  chainIds: ChainIds(chainIds, chainIdsDescription),
})
