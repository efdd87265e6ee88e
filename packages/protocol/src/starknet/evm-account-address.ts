/**
 * The Starknet address of a Paradex EVM (EIP-191 signer) account (Paradex §7, paradex-py
 * `derive_l2_address_eip191`): an Argent v0.5.0 account deployed directly, no proxy, with class
 * `paraclear_evm_account_hash`, salt = the Ethereum address, deployer 0, and constructor calldata
 * `[3, eth_address, 1]`: the `Signer::Eip191(eth_address)` enum (variant 3) followed by the guardian
 * `Option::None` (variant 1).
 *
 * Binding the header account to the recovered SIWE signer through this formula is what lets a v2
 * request name a Starknet account without any Starknet signature.
 */
import { ok, type Result, reject } from '../result.js'
import { type FeltInput, toFelts } from './felt.js'
import { hashOnElements } from './typed-data-hash.js'

/** Testnet `paraclear_evm_account_hash` (Paradex §7); the prod value is unconfirmed (§13 item 4). */
export const PARADEX_TESTNET_EVM_ACCOUNT_CLASS_HASH =
  0x073414441639dcd11d1846f287650a00c60c416b9d3ba45d31c651672125b2c2n

const CONTRACT_ADDRESS_PREFIX = 0x535441524b4e45545f434f4e54524143545f41444452455353n
const ADDRESS_BOUND = 2n ** 251n - 256n
const DEPLOYER = 0n
/** Argent's `Signer` enum: variant 3 is `Eip191(eth_address)`. */
const EIP191_SIGNER_VARIANT = 3n
/** `Option::None` for the guardian: variant 1 with no payload. */
const NO_GUARDIAN = 1n

export interface DeriveParadexEvmAccountAddressInput {
  /** The 20-byte Ethereum address, e.g. `0xf39F…2266` (any case) or as a bigint. */
  readonly ethAddress: FeltInput
  /** `paraclear_evm_account_hash` from `GET /v1/system/config`. */
  readonly evmAccountClassHash: FeltInput
}

/**
 * @example
 * deriveParadexEvmAccountAddress({
 *   ethAddress: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
 *   evmAccountClassHash: PARADEX_TESTNET_EVM_ACCOUNT_CLASS_HASH,
 * }) // { ok: true, value: 0x42d60b8fbcae07594adc7ff932df23013be8b3f9694ccec64a7fcb75386ad1en }
 */
export function deriveParadexEvmAccountAddress(
  input: DeriveParadexEvmAccountAddressInput,
): Result<bigint, 'felt_invalid'> {
  const felts = toFelts({ ethAddress: input.ethAddress, classHash: input.evmAccountClassHash })
  if (!felts.ok) return felts
  const { ethAddress, classHash } = felts.value
  if (ethAddress >= 2n ** 160n) return reject('felt_invalid')

  const calldataHash = hashOnElements([EIP191_SIGNER_VARIANT, ethAddress, NO_GUARDIAN])
  const address = hashOnElements([CONTRACT_ADDRESS_PREFIX, DEPLOYER, ethAddress, classHash, calldataHash])
  return ok(address % ADDRESS_BOUND)
}
