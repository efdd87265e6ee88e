import { Type } from '@sinclair/typebox'
import { Prefix, Seconds, SiweBindingSettings } from '../../../config-schema-kit.js'

export const OcxSettings = Type.Object({
  prefix: Prefix('/ocx', 'Mount point of the OCX dialect ("" = root).'),
  ...SiweBindingSettings(
    'OCX',
    [8453, 84532],
    'Chain ids OCX messages may name (Base 8453, Base Sepolia 84532).',
  ),
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
