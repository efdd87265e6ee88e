import { actingAccountIds, type Identity } from '../core/identity.js'

/**
 * The identity Sigil vouches for, as headers a backend trusts (the verify endpoint's answer, and
 * what the Paradex upstream receives): one definition, so the two never drift apart.
 */
export function identityHeaders(identity: Identity): Record<string, string> {
  return {
    'x-sigil-account-id': identity.accountId,
    'x-sigil-credential': identity.via,
    'x-sigil-scopes': identity.scopes.join(' '),
    // The account first, then any isolated-market accounts its JWT covers.
    'x-sigil-acting-accounts': actingAccountIds(identity).join(' '),
  }
}
