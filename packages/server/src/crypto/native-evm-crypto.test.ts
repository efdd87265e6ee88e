import { createRequire } from 'node:module'
import {
  isEip55Address,
  nobleEvmCrypto,
  recoverPersonalMessageSigner,
  SECP256K1_HALF_N,
  SECP256K1_N,
  toChecksumAddress,
} from '@sigil/protocol'
import fc from 'fast-check'
import { hexToBytes, toHex, keccak256 as viemKeccak256 } from 'viem'
import { generatePrivateKey, privateKeyToAccount, sign } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { createNativeEvmCrypto } from './native-evm-crypto.js'

const native = await createNativeEvmCrypto()

const word = (x: bigint): Uint8Array => hexToBytes(`0x${x.toString(16).padStart(64, '0')}`)
const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/** Scalars on and around every boundary that recovery code must handle. */
const EDGE_SCALARS = [0n, 1n, 2n, 5n, SECP256K1_HALF_N, SECP256K1_HALF_N + 1n, SECP256K1_N - 1n, SECP256K1_N]
const scalar = fc.oneof(
  fc.constantFrom(...EDGE_SCALARS, SECP256K1_N + 1n, 2n ** 256n - 1n),
  fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
)
const hash32 = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
  // Digests ≥ n are reduced mod n by both libraries; n itself reduces to zero.
  fc.constantFrom(word(0n), word(SECP256K1_N), word(SECP256K1_N - 1n), word(2n ** 256n - 1n)),
)

describe('createNativeEvmCrypto', () => {
  it('default: loads the libsecp256k1 N-API addon, not the elliptic fallback, and names itself native', () => {
    const require = createRequire(import.meta.url)
    // secp256k1/index.js re-exports ./bindings when the addon loads and ./elliptic otherwise.
    expect(require('secp256k1')).toBe(require('secp256k1/bindings.js'))
    expect(native.name).toBe('native')
  })

  it('behavior: keccak256 matches viem on random inputs, subarrays and the 136-byte rate boundary', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(8), (bytes, offset) => {
        const view = bytes.subarray(Math.min(offset, bytes.length))
        expect(toHex(native.keccak256(view))).toBe(viemKeccak256(view))
      }),
      { numRuns: 200 },
    )
    for (const n of [0, 135, 136, 137, 272]) {
      const bytes = new Uint8Array(n).fill(0xa5)
      expect(toHex(native.keccak256(bytes))).toBe(viemKeccak256(bytes))
    }
  })

  it('behavior: each digest is a fresh array that later calls do not overwrite', () => {
    const first = native.keccak256(new Uint8Array([1]))
    const copy = first.slice()
    native.keccak256(new Uint8Array([2]))
    first.fill(0)
    expect(native.keccak256(new Uint8Array([1]))).toEqual(copy)
  })

  it('behavior: agrees with noble on 200 random (hash, signature, recovery) triples, invalid ones included', async () => {
    let recoveredCount = 0
    let nullCount = 0
    const validSignature = fc
      .tuple(hash32, fc.boolean())
      .map(([hash, flip]) => ({ hash, flip, key: generatePrivateKey() }))
    const sample = fc.oneof(
      // A real signature, sometimes with the wrong recovery bit.
      validSignature.map((x) => ({ kind: 'signed' as const, ...x })),
      // Arbitrary (r, s): roughly half of all r have no curve point; edge values are out of range.
      fc.record({
        kind: fc.constant('raw' as const),
        hash: hash32,
        r: scalar,
        s: scalar,
        recovery: fc.constantFrom(0, 1),
      }),
    )
    await fc.assert(
      fc.asyncProperty(sample, async (x) => {
        let hash: Uint8Array
        let signature: Uint8Array
        let recovery: 0 | 1
        if (x.kind === 'signed') {
          const sig = hexToBytes(await sign({ hash: toHex(x.hash), privateKey: x.key, to: 'hex' }))
          hash = x.hash
          signature = sig.slice(0, 64)
          recovery = (((sig[64]! - 27) & 1) ^ (x.flip ? 1 : 0)) as 0 | 1
        } else {
          hash = x.hash
          signature = concat(word(x.r), word(x.s))
          recovery = x.recovery as 0 | 1
        }
        const expected = nobleEvmCrypto.recoverPublicKey(hash, signature, recovery)
        expect(native.recoverPublicKey(hash, signature, recovery)).toEqual(expected)
        if (expected === null) nullCount++
        else recoveredCount++
      }),
      { numRuns: 200 },
    )
    // The sample must exercise both outcomes, or the agreement proves little.
    expect(recoveredCount).toBeGreaterThan(40)
    expect(nullCount).toBeGreaterThan(20)
  })

  it('behavior: agrees with noble end to end on random signature strings (same address or same reason)', async () => {
    const account = privateKeyToAccount(generatePrivateKey())
    const message = 'agreement'
    const valid = await account.signMessage({ message })
    const hexChar = fc.constantFrom(...'0123456789abcdefABCDEFxg '.split(''))
    const signature = fc.oneof(
      fc.constant(valid),
      fc
        .tuple(scalar, scalar, fc.constantFrom(0, 1, 27, 28, 29, 255))
        .map(
          ([r, s, v]) =>
            `0x${r.toString(16).padStart(64, '0')}${s.toString(16).padStart(64, '0')}${v.toString(16).padStart(2, '0')}`,
        ),
      fc.string({ unit: hexChar, maxLength: 140 }).map((s) => `0x${s}`),
      fc.string({ maxLength: 140 }),
    )
    fc.assert(
      fc.property(signature, (sig) => {
        const a = recoverPersonalMessageSigner(message, sig, nobleEvmCrypto)
        const b = recoverPersonalMessageSigner(message, sig, native)
        expect(b.ok ? toHex(b.value) : b.reason).toBe(a.ok ? toHex(a.value) : a.reason)
      }),
      { numRuns: 200 },
    )
  })

  it.each([
    ['r = 0', concat(word(0n), word(1n))],
    ['s = 0', concat(word(1n), word(0n))],
    ['r = n', concat(word(SECP256K1_N), word(1n))],
    ['s = n', concat(word(1n), word(SECP256K1_N))],
    ['no curve point has x = r (r = 5)', concat(word(5n), word(1n))],
  ])('error: %s → null, never a throw', (_name, signature) => {
    const hash = new Uint8Array(32).fill(7)
    expect(native.recoverPublicKey(hash, signature, 0)).toBeNull()
    expect(native.recoverPublicKey(hash, signature, 1)).toBeNull()
  })

  it('error: shapes outside the contract → null (a 31-byte hash, a 65-byte signature, recovery 2 or 3)', () => {
    const signature = concat(word(1n), word(1n))
    expect(native.recoverPublicKey(new Uint8Array(31), signature, 0)).toBeNull()
    expect(native.recoverPublicKey(new Uint8Array(32), concat(signature, new Uint8Array(1)), 0)).toBeNull()
    expect(native.recoverPublicKey(new Uint8Array(32), signature, 2 as 0)).toBeNull()
    expect(native.recoverPublicKey(new Uint8Array(32), signature, 3 as 0)).toBeNull()
  })

  it('behavior: as the EIP-55 hash, its keccak gives @noble’s verdict on every casing', () => {
    // The sign-in parser checks the address's checksum with this keccak (parseSiweMessage option).
    const casing = fc.array(fc.boolean(), { minLength: 40, maxLength: 40 })
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), casing, (bytes, upper) => {
        const checksum = toChecksumAddress(toHex(bytes))
        expect(isEip55Address(checksum, native.keccak256)).toBe(true)
        const body = [...checksum.slice(2)].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase()))
        const variant = `0x${body.join('')}`
        expect(isEip55Address(variant, native.keccak256)).toBe(isEip55Address(variant))
        expect(isEip55Address(variant, native.keccak256)).toBe(variant === checksum)
      }),
      { numRuns: 300 },
    )
  })
})
