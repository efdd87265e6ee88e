import { Type } from '@sinclair/typebox'
import { ChainIds, Prefix, Seconds } from '../../../config-schema-kit.js'

export const OcxSettings = Type.Object({
  prefix: Prefix('/ocx', 'Mount point of the OCX dialect ("" = root).'),
  siweDomain: Type.Optional(
    Type.String({ minLength: 1, description: 'SIWE domain for OCX clients; default: siweDomain.' }),
  ),
  siweUri: Type.Optional(
    Type.String({ minLength: 1, description: 'SIWE URI for OCX clients; default: siweUri.' }),
  ),
  chainIds: ChainIds([8453, 84532], 'Chain ids OCX messages may name (Base 8453, Base Sepolia 84532).'),
  sessionCookieName: Type.String({
    default: 'astra_session',
    pattern: '^[A-Za-z0-9_-]+$',
    description: 'Name of the OCX session cookie.',
  }),
  maxExpirationSeconds: Seconds(
    3600,
    'OCX messages must carry an Expiration Time at most this long after Issued At.',
  ),
})
