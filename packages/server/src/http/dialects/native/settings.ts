import { Type } from '@sinclair/typebox'
import { Prefix } from '../../../config-schema-kit.js'

/** Sigil's own API: only where it mounts (its SIWE binding is the base one, from publicUrl). */
export const NativeSettings = Type.Object({
  prefix: Prefix(
    '',
    "Mount point of Sigil's own API (<prefix>/v1/...); move it (e.g. /sigil) to give the root to a dialect whose paths also start with /v1.",
  ),
})
