import { actingAccountIds, type Identity } from '../core/identity.js'

/**
 * The identity Sigil vouches for, as headers a backend trusts (the verify endpoints' answer, and
 * what the Paradex upstream receives): one definition, so the two never drift apart. `wallet`: the
 * account's address, when the caller looked it up (the verify endpoint does).
 */
export function identityHeaders(identity: Identity, wallet?: string): Record<string, string> {
  return {
    'x-sigil-account': identity.accountId,
    ...(wallet === undefined ? {} : { 'x-sigil-wallet': wallet }),
    // `api_key_signed`: an API key proved by an RFC 9421 signature rather than a bearer secret.
    'x-sigil-credential': identity.signedRequest ? 'api_key_signed' : identity.via,
    'x-sigil-scope': identity.scopes.join(' '),
    // The account first, then any isolated-market accounts its JWT covers.
    'x-sigil-acting-accounts': actingAccountIds(identity).join(' '),
    // The API key behind the request, when one was used (its id, never the secret).
    ...(identity.apiKeyId === undefined ? {} : { 'x-sigil-key-id': identity.apiKeyId }),
    // A Paradex subkey's JWT: the backend may refuse it more than Sigil does (withdrawals).
    ...(identity.subkey === undefined ? {} : { 'x-sigil-subkey': identity.subkey }),
  }
}

const built = new WeakMap<
  Identity,
  { wallet: string | undefined; headers: Readonly<Record<string, string>> }
>()

/**
 * identityHeaders, built once per identity object (and wallet): core hands the same frozen
 * identity for every request of a cached credential, so a forward-auth answer costs a WeakMap
 * lookup instead of seven strings and an object. The result is shared: read it, never change it.
 */
export function identityHeadersOf(identity: Identity, wallet?: string): Readonly<Record<string, string>> {
  const hit = built.get(identity)
  if (hit !== undefined && hit.wallet === wallet) return hit.headers
  const headers = Object.freeze(identityHeaders(identity, wallet))
  built.set(identity, { wallet, headers })
  return headers
}

/** Every header identityHeaders may set: a proxy must clear each of them from the client's request. */
export const IDENTITY_HEADER_NAMES = [
  'x-sigil-account',
  'x-sigil-wallet',
  'x-sigil-credential',
  'x-sigil-scope',
  'x-sigil-acting-accounts',
  'x-sigil-key-id',
  'x-sigil-subkey',
  'x-sigil-assertion',
] as const
