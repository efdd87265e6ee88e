/**
 * SNIP-12 revision 0 ("legacy") message hashing, restricted to what Paradex signs: flat struct
 * types whose fields are all `felt` (Paradex §2). Hashing is Pedersen `computeHashOnElements`,
 * the domain type is `StarkNetDomain(name:felt,chainId:felt,version:felt)` and the message
 * prefix is the short string "StarkNet Message".
 *
 * Nested structs, arrays, `merkletree`, enums and revision 1 (Poseidon) are deliberately absent:
 * the server builds the typed data itself from header values and never hashes client-supplied
 * type definitions (Paradex §12).
 */
import { keccak } from '@scure/starknet'
import { ok, type Result } from '../result.js'
import { type FeltInput, toFelt, toFelts } from './felt.js'
import { pedersen } from './pedersen.js'

/** `shortString("StarkNet Message")`, the first element of every rev-0 message hash. */
export const STARKNET_MESSAGE_PREFIX = 0x537461726b4e6574204d657373616765n

/** The rev-0 domain type, in this field order (the other order hashes differently: Paradex §5). */
export const STARKNET_DOMAIN_TYPE = 'StarkNetDomain(name:felt,chainId:felt,version:felt)'

/** The domain of a rev-0 message, as felt inputs (encoded with {@link toFelt}). */
export interface StarknetDomain {
  readonly name: FeltInput
  readonly chainId: FeltInput
  readonly version: FeltInput
}

const utf8 = new TextEncoder()

export { pedersen } from './pedersen.js'

/**
 * Pedersen over a list, continuing from `acc`: fold `h` left over `felts` without the trailing
 * length. `foldPedersen(0n, xs)` followed by `pedersen(·, n)` is `computeHashOnElements`; keeping
 * the fold separate lets callers cache the accumulator over a constant prefix.
 */
export function foldPedersen(acc: bigint, felts: readonly bigint[]): bigint {
  let value = acc
  for (const felt of felts) value = pedersen(value, felt)
  return value
}

/**
 * StarkWare's `computeHashOnElements`: H(list) = h(fold h over list from 0, len(list)).
 *
 * @example
 * hashOnElements([1n, 2n, 3n])
 */
export function hashOnElements(felts: readonly bigint[]): bigint {
  return pedersen(foldPedersen(0n, felts), BigInt(felts.length))
}

/**
 * The type hash ("selector") of an encoded type: starknet_keccak of its text, which keeps the
 * low 250 bits of Keccak-256.
 *
 * @example
 * typeHash('Constant(action:felt)') // 0xe84bbcb68e0f7c73a9058ba82b6da9c1ffdc502efcf034e78b0c003c22ecc9n
 */
export function typeHash(encodedType: string): bigint {
  return keccak(utf8.encode(encodedType))
}

/**
 * structHash = H([typeHash, field₁, …, fieldₙ]) for a flat felt-only struct, fields in the order
 * of the type definition. The felts must already be encoded ({@link toFelt}).
 */
export function structHash(typeHashValue: bigint, felts: readonly bigint[]): bigint {
  return hashOnElements([typeHashValue, ...felts])
}

const DOMAIN_TYPE_HASH = typeHash(STARKNET_DOMAIN_TYPE)

/** The struct hash of a `StarkNetDomain`; `felt_invalid` if a value cannot be a felt. */
export function domainHash(domain: StarknetDomain): Result<bigint, 'felt_invalid'> {
  const felts = toFelts({ name: domain.name, chainId: domain.chainId, version: domain.version })
  if (!felts.ok) return felts
  const { name, chainId, version } = felts.value
  return ok(structHash(DOMAIN_TYPE_HASH, [name, chainId, version]))
}

/** The input of {@link messageHash}: a flat felt-only message of a known type. */
export interface MessageHashInput {
  readonly domain: StarknetDomain
  /** The signer's account address (`PARADEX-STARKNET-ACCOUNT`). */
  readonly account: FeltInput
  /** {@link typeHash} of the primary type's encoded text. */
  readonly primaryTypeHash: bigint
  /** The message's values in the type's field order. */
  readonly fields: readonly FeltInput[]
}

/**
 * msgHash = H(["StarkNet Message", domainHash, account, structHash(primary, message)]): the value
 * a Starknet wallet signs for rev-0 typed data. General but unoptimised; the Paradex helpers
 * (`paradexRequestHash`) fold their constant prefixes instead.
 *
 * @example
 * messageHash({
 *   domain: { name: 'Paradex', chainId: 'PRIVATE_SN_POTC_SEPOLIA', version: '1' },
 *   account: '0x37ff1c9d89a50b3dd3a4f90e020ea80251b09ba28049efbe4f7d3fec2995c4a',
 *   primaryTypeHash: typeHash('Constant(action:felt)'),
 *   fields: ['Onboarding'],
 * })
 */
export function messageHash(input: MessageHashInput): Result<bigint, 'felt_invalid'> {
  const domain = domainHash(input.domain)
  if (!domain.ok) return domain
  const account = toFelt(input.account)
  if (!account.ok) return account
  const fields: bigint[] = []
  for (const field of input.fields) {
    const felt = toFelt(field)
    if (!felt.ok) return felt
    fields.push(felt.value)
  }
  const message = structHash(input.primaryTypeHash, fields)
  return ok(hashOnElements([STARKNET_MESSAGE_PREFIX, domain.value, account.value, message]))
}
