import { generateKeyPairSync, sign } from 'node:crypto'
import { type PublicKeyJwk, parsePublicKeyJwk } from '@sigil/protocol/http-signatures'
import { describe, expect, it } from 'vitest'
import { nativeKeyOf, verifyNatively } from './native-signature-check.js'

const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n
const base = new TextEncoder().encode('"@method": GET\n"@signature-params": ()')

const jwkOf = (publicKey: { export(o: { format: 'jwk' }): unknown }): PublicKeyJwk => {
  const parsed = parsePublicKeyJwk(publicKey.export({ format: 'jwk' }))
  if (!parsed.ok) throw new Error(parsed.reason)
  return parsed.value
}
const toBig = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex')}`)
const toBytes = (n: bigint, length: number) => Buffer.from(n.toString(16).padStart(length * 2, '0'), 'hex')

describe('signed requests verified with Node crypto', () => {
  it('behavior: Ed25519 verifies; a tampered base, another key, or S + L (non-canonical) does not', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const key = nativeKeyOf(jwkOf(publicKey))
    const signature = sign(null, base, privateKey)
    expect(verifyNatively(key, base, signature)).toBe(true)
    expect(verifyNatively(key, base.subarray(1), signature)).toBe(false)
    const other = nativeKeyOf(jwkOf(generateKeyPairSync('ed25519').publicKey))
    expect(verifyNatively(other, base, signature)).toBe(false)
    // S is little-endian in the last 32 bytes; S + L is the same scalar, not the canonical encoding.
    const s = toBig(Uint8Array.from(signature.subarray(32)).reverse())
    const twin = Buffer.concat([signature.subarray(0, 32), toBytes(s + ED25519_L, 32).reverse()])
    expect(verifyNatively(key, base, twin)).toBe(false)
  })

  it('behavior: P-256 raw r||s verifies with s and with n - s (RFC 9421 has no low-s rule); DER does not', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const key = nativeKeyOf(jwkOf(publicKey))
    const signature = sign('sha256', base, { key: privateKey, dsaEncoding: 'ieee-p1363' })
    expect(verifyNatively(key, base, signature)).toBe(true)
    const s = toBig(signature.subarray(32))
    const twin = Buffer.concat([signature.subarray(0, 32), toBytes(P256_N - s, 32)])
    expect(verifyNatively(key, base, twin)).toBe(true)
    expect(verifyNatively(key, base, sign('sha256', base, privateKey))).toBe(false)
    expect(verifyNatively(key, base, Buffer.alloc(64))).toBe(false)
  })

  it('behavior: the same stored JWK object gives the same key (its KeyObject built once)', () => {
    const jwk = jwkOf(generateKeyPairSync('ed25519').publicKey)
    expect(nativeKeyOf(jwk)).toBe(nativeKeyOf(jwk))
  })
})
