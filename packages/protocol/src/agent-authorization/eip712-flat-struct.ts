/**
 * EIP-712 hashing for the flat structs Sigil asks wallets to sign: members of type `string`,
 * `address` or `uint256` only (no arrays, no nested structs), which is all the agent-key messages
 * need. Kept this small on purpose: a general encoder would have to resolve referenced types,
 * and every line of it is attack surface. Checked against viem's hashTypedData and ethers'
 * TypedDataEncoder in the tests.
 *
 *   hashStruct(s)   = keccak256(typeHash ‖ encodeData(s))
 *   typeHash        = keccak256("Name(type1 name1,type2 name2,...)")
 *   encodeData      = string: keccak256(utf8); address: 12 zero bytes ‖ 20 bytes; uint256: 32 bytes big-endian
 *   digest          = keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message))
 */
import type { EvmCrypto } from '../evm/evm-crypto.js'
import { keccak256 as nobleKeccak } from '../evm/keccak256.js'

export type FlatMemberType = 'string' | 'address' | 'uint256'

export interface FlatMember {
  readonly name: string
  readonly type: FlatMemberType
}

/** Member values as the encoder takes them; the caller has checked their shapes. */
export type FlatValue = string | bigint

const utf8 = new TextEncoder()

/** `Name(type1 name1,type2 name2)`: EIP-712 `encodeType` of a struct that references no other. */
export function encodeType(name: string, members: readonly FlatMember[]): string {
  return `${name}(${members.map((m) => `${m.type} ${m.name}`).join(',')})`
}

function word(value: FlatValue, type: FlatMemberType, keccak: (data: Uint8Array) => Uint8Array): Uint8Array {
  if (type === 'string') return keccak(utf8.encode(value as string))
  const out = new Uint8Array(32)
  if (type === 'address') {
    // 0x + 40 hex digits, already checked: the 20 bytes right-aligned.
    const hex = (value as string).slice(2)
    for (let i = 0; i < 20; i++) out[12 + i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
    return out
  }
  let n = value as bigint
  for (let i = 31; i >= 0 && n > 0n; i--, n >>= 8n) out[i] = Number(n & 0xffn)
  return out
}

/** keccak256(typeHash ‖ encodeData(values)), members in their declared order. */
export function hashFlatStruct(
  name: string,
  members: readonly FlatMember[],
  values: Readonly<Record<string, FlatValue>>,
  crypto?: Pick<EvmCrypto, 'keccak256'>,
): Uint8Array {
  const keccak = crypto ? (d: Uint8Array) => crypto.keccak256(d) : nobleKeccak
  const data = new Uint8Array(32 * (members.length + 1))
  data.set(keccak(utf8.encode(encodeType(name, members))), 0)
  members.forEach((member, i) => {
    data.set(word(values[member.name]!, member.type, keccak), 32 * (i + 1))
  })
  return keccak(data)
}

/** The EIP-712 signing digest: keccak256(0x1901 ‖ domainSeparator ‖ structHash). */
export function typedDataDigest(
  domainSeparator: Uint8Array,
  structHash: Uint8Array,
  crypto?: Pick<EvmCrypto, 'keccak256'>,
): Uint8Array {
  const data = new Uint8Array(66)
  data[0] = 0x19
  data[1] = 0x01
  data.set(domainSeparator, 2)
  data.set(structHash, 34)
  return crypto ? crypto.keccak256(data) : nobleKeccak(data)
}
