/**
 * The address of a Paradex account, derived from its stark key (Paradex §3.3): a Cairo-0 proxy
 * (class `paraclear_account_proxy_hash`) deployed by deployer 0 with salt = public key and
 * constructor calldata [implementation = `paraclear_account_hash`, selector("initialize"),
 * 2, public key, guardian 0]. The address is Starknet's `calculateContractAddressFromHash`:
 * H(["STARKNET_CONTRACT_ADDRESS", deployer, salt, classHash, H(calldata)]) mod (2^251 − 256).
 *
 * The server checks `account == derive(public_key)` at onboarding: that binding is what ties a
 * header address to the key whose signature is verified.
 */
import { ok, type Result } from '../result.js'
import { type FeltInput, toFelts } from './felt.js'
import { hashOnElements } from './typed-data-hash.js'

/** The two class hashes `GET /v1/system/config` publishes; clients derive addresses from them. */
export interface ParadexAccountClassHashes {
  /** `paraclear_account_hash`: the implementation class the proxy delegates to. */
  readonly accountClassHash: FeltInput
  /** `paraclear_account_proxy_hash`: the class actually deployed at the address. */
  readonly proxyClassHash: FeltInput
}

/**
 * Testnet values (Paradex §6, the recommended system config). Prod values are unconfirmed
 * (Paradex §13 item 4), so a deployment sets its own in config.
 */
export const PARADEX_TESTNET_ACCOUNT_CLASS_HASHES = {
  accountClassHash: 0x41cb0280ebadaa75f996d8d92c6f265f6d040bb3ba442e5f86a554f1765244en,
  proxyClassHash: 0x3530cc4759d78042f1b543bf797f5f3d647cde0388c33734cf91b7f7b9314a9n,
} as const satisfies ParadexAccountClassHashes

/** shortString("STARKNET_CONTRACT_ADDRESS"). */
const CONTRACT_ADDRESS_PREFIX = 0x535441524b4e45545f434f4e54524143545f41444452455353n
/** starknet_keccak("initialize"): the implementation's initializer the proxy calls. */
const INITIALIZE_SELECTOR = 0x79dc0da7c54b95f10aa182ad0a46400db63156920adb65eca2654c0945a463n
/** Addresses are reduced below 2^251 − 256 so that storage keys derived from them stay in range. */
const ADDRESS_BOUND = 2n ** 251n - 256n
/** Paradex accounts are deployed with no deployer address and no guardian. */
const DEPLOYER = 0n
const GUARDIAN = 0n

export interface DeriveParadexAccountAddressInput extends ParadexAccountClassHashes {
  /** The stark key (x-coordinate), e.g. the onboarding body's `public_key`. */
  readonly publicKey: FeltInput
}

/**
 * Derives the account address of `publicKey` under the given class hashes. Compare it with the
 * claimed address numerically (or via `feltToHex`), never as header text: clients do not pad.
 *
 * @example
 * deriveParadexAccountAddress({
 *   publicKey: 0x8857491dd4065910836e3b02bd51c93f1c3c1e2289accb0bc02123555569c1n,
 *   ...PARADEX_TESTNET_ACCOUNT_CLASS_HASHES,
 * }) // { ok: true, value: 0x37ff1c9d89a50b3dd3a4f90e020ea80251b09ba28049efbe4f7d3fec2995c4an }
 */
export function deriveParadexAccountAddress(
  input: DeriveParadexAccountAddressInput,
): Result<bigint, 'felt_invalid'> {
  const felts = toFelts({
    publicKey: input.publicKey,
    accountClassHash: input.accountClassHash,
    proxyClassHash: input.proxyClassHash,
  })
  if (!felts.ok) return felts
  const { publicKey, accountClassHash, proxyClassHash } = felts.value

  // Argent-style proxy constructor: (implementation, selector, calldata_len, calldata...).
  const calldataHash = hashOnElements([accountClassHash, INITIALIZE_SELECTOR, 2n, publicKey, GUARDIAN])
  const salt = publicKey
  const address = hashOnElements([CONTRACT_ADDRESS_PREFIX, DEPLOYER, salt, proxyClassHash, calldataHash])
  return ok(address % ADDRESS_BOUND)
}
