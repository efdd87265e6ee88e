import { secp256k1 } from '@noble/curves/secp256k1.js'
import { describe, expect, it } from 'vitest'
import { keccak256 } from './keccak256.js'
import { nobleEvmCrypto } from './noble-evm-crypto.js'
import { SECP256K1_N } from './secp256k1-order.js'

const word = (x: bigint): Uint8Array => {
  const out = new Uint8Array(32)
  for (let i = 31, v = x; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn)
  return out
}
const compact = (r: bigint, s: bigint): Uint8Array => {
  const out = new Uint8Array(64)
  out.set(word(r), 0)
  out.set(word(s), 32)
  return out
}

describe('nobleEvmCrypto', () => {
  const { secretKey, publicKey } = secp256k1.keygen()
  const hash = keccak256(new TextEncoder().encode('noble backend'))
  const recovered = secp256k1.sign(hash, secretKey, { prehash: false, format: 'recovered' })
  const recovery = recovered[0] as 0 | 1
  const signature = recovered.slice(1)

  it('default: recovers the signer as a 65-byte uncompressed key (0x04 ‖ x ‖ y)', () => {
    const key = nobleEvmCrypto.recoverPublicKey(hash, signature, recovery)
    expect(nobleEvmCrypto.name).toBe('noble')
    expect(key).toEqual(secp256k1.Point.fromBytes(publicKey).toBytes(false))
    expect(key?.length).toBe(65)
    expect(key?.[0]).toBe(0x04)
  })

  it('behavior: the other recovery bit gives another key, not an error', () => {
    const other = nobleEvmCrypto.recoverPublicKey(hash, signature, recovery === 0 ? 1 : 0)
    expect(other).not.toBeNull()
    expect(other).not.toEqual(nobleEvmCrypto.recoverPublicKey(hash, signature, recovery))
  })

  it('behavior: keccak256 is the project keccak (not SHA3-256)', () => {
    expect(nobleEvmCrypto.keccak256(new Uint8Array(0))).toEqual(keccak256(new Uint8Array(0)))
  })

  it.each([
    ['r = 0', compact(0n, 1n)],
    ['s = 0', compact(1n, 0n)],
    ['r = n', compact(SECP256K1_N, 1n)],
    ['s = n', compact(1n, SECP256K1_N)],
    ['no curve point has x = r (r = 5)', compact(5n, 1n)],
  ])('error: %s → null, never a throw', (_name, sig) => {
    expect(nobleEvmCrypto.recoverPublicKey(hash, sig, 0)).toBeNull()
    expect(nobleEvmCrypto.recoverPublicKey(hash, sig, 1)).toBeNull()
  })

  it('error: shapes outside the contract → null (a 33-byte hash, a 65-byte signature, recovery 2)', () => {
    expect(nobleEvmCrypto.recoverPublicKey(new Uint8Array(33), signature, recovery)).toBeNull()
    expect(nobleEvmCrypto.recoverPublicKey(hash, recovered, recovery)).toBeNull()
    expect(nobleEvmCrypto.recoverPublicKey(hash, signature, 2 as 0)).toBeNull()
  })
})
