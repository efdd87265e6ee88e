import { type BaseSiweBinding, type EnabledDialect, resolveSiweBinding } from '../dialect.js'
import { createSignInApi, type SignInApi } from './create-sign-in-api.js'

type SharedDeps = Omit<Parameters<typeof createSignInApi>[0], 'purpose' | 'binding'>

/**
 * One SIWE sign-in per dialect that declares `core.siwe`: the base binding with the dialect's own
 * domain, URI and chains where it sets them, and the dialect's id as the nonces' purpose, so a
 * nonce minted for one API cannot sign in on another.
 */
export function createSignInApis(
  dialects: readonly EnabledDialect[],
  options: {
    base: BaseSiweBinding
    scheme: 'https' | 'http'
    issuedAtSkewMs: number
    maxAgeMs: number
    shared: SharedDeps
  },
): Map<string, SignInApi> {
  const { base, scheme, issuedAtSkewMs, maxAgeMs, shared } = options
  const signIns = new Map<string, SignInApi>()
  for (const { id, core, settings } of dialects) {
    if (!core.siwe) continue
    const binding = {
      ...resolveSiweBinding(base, core.siwe(settings, base)),
      scheme,
      issuedAtSkewMs,
      maxAgeMs,
    }
    signIns.set(id, createSignInApi({ ...shared, purpose: id, binding }))
  }
  return signIns
}
