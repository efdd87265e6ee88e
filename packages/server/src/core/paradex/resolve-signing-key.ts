import { AuthError } from '../errors.js'
import type { ParadexSubkey, ParadexSubkeyStore, StarknetAccount, StarknetAccountStore } from '../ports.js'

/** The key a Stark-signed `/v1/auth` must verify under, and the account it signs for. */
export interface SigningKey {
  record: StarknetAccount
  publicKey: bigint
  /** Set when the key is a subkey of the account rather than its onboarded main key. */
  subkey?: ParadexSubkey
}

/**
 * Paradex §4.1: without a key in the path, or with the onboarded key there, the main stark key;
 * with another key (`POST /v1/auth/{public_key}`), an active subkey of the account, whatever
 * signs its main key (an EVM (v2) account trades through Stark subkeys). Looked up before any
 * hashing: an unknown account or key costs one indexed read, no curve math.
 */
export async function resolveSigningKey(
  stores: { starknetAccounts: StarknetAccountStore; subkeys: ParadexSubkeyStore },
  account: string,
  named: { felt: bigint; hex: string } | undefined,
): Promise<SigningKey> {
  const record = await stores.starknetAccounts.find(account)
  if (!record) throw new AuthError('NOT_ONBOARDED', 'unknown starknet account')
  const isMainKey = record.signerType === 'starknet' && named?.hex === record.publicKey
  if (named && !isMainKey) {
    const subkey = await stores.subkeys.findActive(record.accountId, named.hex)
    // Never registered, revoked, or another account's: the same answer for each.
    if (!subkey) {
      throw new AuthError('PUBLIC_KEY_INVALID', 'not a key of this account', {
        detail: 'not_a_key_of_the_account',
      })
    }
    return { record, publicKey: named.felt, subkey }
  }
  if (record.signerType !== 'starknet') {
    // A Starknet-key account cannot sign in with SIWE, nor the reverse.
    throw new AuthError('INVALID_SIGNATURE', `account signs with ${record.signerType}`, {
      detail: 'signer_type',
    })
  }
  return { record, publicKey: BigInt(record.publicKey) }
}
