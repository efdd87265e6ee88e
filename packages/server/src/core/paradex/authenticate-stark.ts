import { feltToHex, PARADEX_AUTH_REQUEST, paradexRequestHash, verifyStarkSignature } from '@sigil/protocol'
import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import type { Identity } from '../identity.js'
import type { ParadexSubkeyStore, StarknetAccount, StarknetAccountStore } from '../ports.js'
import type { AccountStatus, Scope } from '../scopes.js'
import type { VerifiedParadexAuth } from './issue-paradex-token.js'
import type { ParadexAuthRequest } from './paradex-requests.js'
import { subkeySessionId } from './paradex-subkeys.js'
import { checkParadexTimeWindow } from './paradex-time-window.js'
import { parsePublicKey, parseStarknetAccount, parseStarknetSignature } from './parse-starknet-input.js'
import { resolveSigningKey } from './resolve-signing-key.js'

/**
 * A Paradex JWT trades; it never manages Sigil credentials (headers are replayable until
 * expiration). The main key's also holds `keys` (its identity is the service's `identityOf`):
 * Paradex lets its JWT manage the account's subkeys; a subkey's never does.
 */
export const paradexScopes = (status: AccountStatus): readonly Scope[] =>
  status === 'active' ? ['read', 'trade'] : ['read']

export function verifyStark(msgHash: bigint, signature: { r: bigint; s: bigint }, publicKey: bigint) {
  const verified = verifyStarkSignature({ msgHash, signature, publicKey })
  if (!verified.ok) throw new AuthError('INVALID_SIGNATURE', verified.reason)
}

/** Paradex §4 (`POST /v1/auth`, `/v1/auth/{public_key}`), for the main key and for subkeys. */
export function createStarkAuthenticator(deps: {
  starknetAccounts: StarknetAccountStore
  subkeys: ParadexSubkeyStore
  clock: Clock
  findStatus(accountId: string): Promise<AccountStatus>
  /** The main key's identity (scopes with `keys`). */
  identityOf(record: StarknetAccount): Promise<Identity>
  chainId: string
  timestampSkewSeconds: number
}) {
  /** The signed window, the main key or a subkey, the Request typed data rebuilt here. */
  return async function authenticate(request: ParadexAuthRequest): Promise<VerifiedParadexAuth> {
    const account = parseStarknetAccount(request.account)
    const signature = parseStarknetSignature(request.signature)
    const named = request.publicKey === undefined ? undefined : parsePublicKey(request.publicKey)
    if (request.timestamp === undefined) throw new AuthError('TIMESTAMP_INVALID', 'timestamp missing')
    const window = checkParadexTimeWindow(
      { timestamp: request.timestamp, expiration: request.expiration },
      deps.clock.now(),
      deps.timestampSkewSeconds,
    )
    const key = await resolveSigningKey(deps, account.hex, named)
    const hash = paradexRequestHash({
      chainId: deps.chainId,
      account: account.felt,
      ...PARADEX_AUTH_REQUEST,
      timestamp: window.timestamp,
      expiration: window.expiration,
    })
    if (!hash.ok) throw new AuthError('TIMESTAMP_INVALID', hash.reason)
    verifyStark(hash.value, signature, key.publicKey)
    const messageId = `${account.hex}:${feltToHex(hash.value)}`
    const expiresAt = window.expiration * 1000
    if (!key.subkey) {
      // The message hash, not the signature: high-s is allowed, so (r, s) and (r, n − s) both verify.
      return { identity: await deps.identityOf(key.record), replayKey: `paradex:v1:${messageId}`, expiresAt }
    }
    const { subkey } = key
    return {
      // Reads and trades as the main key's token does, never `keys`: a subkey manages nothing.
      identity: {
        accountId: key.record.accountId,
        scopes: paradexScopes(await deps.findStatus(key.record.accountId)),
        via: 'jwt',
        subkey: subkey.publicKey,
      },
      // The signer is part of it: the main key and a subkey may sign the same message.
      replayKey: `paradex:v1:subkey:${subkey.publicKey}:${messageId}`,
      expiresAt,
      sessionId: subkeySessionId(subkey),
      stillValid: async () => (await deps.subkeys.findById(subkey.id))?.revokedAt === undefined,
    }
  }
}
