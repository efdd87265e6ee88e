import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { httpSignatureAlgorithmOf, httpSignatureKeyOf, parsePublicKeyJwk } from './public-key-jwk.js'
import { verifySignatureBytes } from './signature-algorithms.js'

const ed = generateKeyPairSync('ed25519')
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const edJwk = ed.publicKey.export({ format: 'jwk' }) as Record<string, string>
const ecJwk = ec.publicKey.export({ format: 'jwk' }) as Record<string, string>

/** base64url of `bytes` (Node's own, independent of the parser's decoder). */
const b64 = (bytes: Uint8Array | number[]) => Buffer.from(bytes).toString('base64url')

describe('parsePublicKeyJwk', () => {
  it('accepts Ed25519 and P-256 public JWKs (as Node exports them) and keeps only public members', () => {
    expect(parsePublicKeyJwk({ ...edJwk, kid: 'bot-1', use: 'sig', alg: 'EdDSA' })).toEqual({
      ok: true,
      value: { kty: 'OKP', crv: 'Ed25519', x: edJwk.x },
    })
    expect(parsePublicKeyJwk({ ...ecJwk, alg: 'ES256', key_ops: ['verify'] })).toEqual({
      ok: true,
      value: { kty: 'EC', crv: 'P-256', x: ecJwk.x, y: ecJwk.y },
    })
  })

  it('the key it yields verifies what the private key signed, under the key type own algorithm', () => {
    const data = new TextEncoder().encode('signature base')
    for (const [pair, jwk] of [
      [ed, edJwk],
      [ec, ecJwk],
    ] as const) {
      const parsed = parsePublicKeyJwk(jwk)
      if (!parsed.ok) throw new Error(parsed.reason)
      const isEd = jwk.kty === 'OKP'
      const signature = isEd
        ? sign(null, data, pair.privateKey)
        : sign('sha256', data, { key: pair.privateKey, dsaEncoding: 'ieee-p1363' })
      expect(httpSignatureAlgorithmOf(parsed.value)).toBe(isEd ? 'ed25519' : 'ecdsa-p256-sha256')
      expect(verifySignatureBytes(httpSignatureKeyOf(parsed.value), data, signature)).toBe(true)
    }
  })

  it('refuses a JWK carrying its private key', () => {
    expect(parsePublicKeyJwk(ed.privateKey.export({ format: 'jwk' }))).toEqual({
      ok: false,
      reason: 'private_key',
    })
    expect(parsePublicKeyJwk(ec.privateKey.export({ format: 'jwk' }))).toMatchObject({
      reason: 'private_key',
    })
    expect(parsePublicKeyJwk({ kty: 'oct', k: 'c2VjcmV0' })).toMatchObject({ reason: 'private_key' })
  })

  it('refuses other key types and curves', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' })
    expect(parsePublicKeyJwk(rsa)).toMatchObject({ reason: 'unsupported_key_type' })
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' })
    expect(parsePublicKeyJwk(k1)).toMatchObject({ reason: 'unsupported_curve' })
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' })
    expect(parsePublicKeyJwk(p384)).toMatchObject({ reason: 'unsupported_curve' })
    const x448 = generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' })
    expect(parsePublicKeyJwk(x448)).toMatchObject({ reason: 'unsupported_curve' })
    for (const input of [null, 'jwk', 42, [edJwk]])
      expect(parsePublicKeyJwk(input)).toMatchObject({ reason: 'not_an_object' })
  })

  it('refuses coordinates of the wrong length, padded, non-canonical or not base64url', () => {
    const x = Buffer.from(edJwk.x!, 'base64url')
    for (const bad of [
      b64(x.subarray(1)),
      b64(Buffer.concat([x, Buffer.from([0])])),
      `${edJwk.x}=`,
      edJwk.x!.replace(/.$/, '!'),
      undefined,
      42,
    ])
      expect(parsePublicKeyJwk({ kty: 'OKP', crv: 'Ed25519', x: bad })).toMatchObject({
        reason: 'invalid_coordinate',
      })
    // 32 bytes are 43 characters whose last one carries 4 spare bits: they must be zero.
    const last = edJwk.x!.at(-1)!
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const twin = edJwk.x!.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1]
    expect(parsePublicKeyJwk({ kty: 'OKP', crv: 'Ed25519', x: twin })).toMatchObject({
      reason: 'invalid_coordinate',
    })
    expect(parsePublicKeyJwk({ ...ecJwk, y: b64(new Uint8Array(31)) })).toMatchObject({
      reason: 'invalid_coordinate',
    })
  })

  it('refuses points not on the curve, and small-order Ed25519 points', () => {
    const y = Buffer.from(ecJwk.y!, 'base64url')
    y[31] = y[31]! ^ 1
    expect(parsePublicKeyJwk({ ...ecJwk, y: b64(y) })).toMatchObject({ reason: 'point_not_on_curve' })
    // The identity (y = 1) has order 1; y = 2 is not the y of any curve point.
    const identity = new Uint8Array(32)
    identity[0] = 1
    expect(parsePublicKeyJwk({ kty: 'OKP', crv: 'Ed25519', x: b64(identity) })).toMatchObject({
      reason: 'point_not_on_curve',
    })
    const notOnCurve = new Uint8Array(32)
    notOnCurve[0] = 2
    expect(parsePublicKeyJwk({ kty: 'OKP', crv: 'Ed25519', x: b64(notOnCurve) })).toMatchObject({
      reason: 'point_not_on_curve',
    })
  })

  it('refuses an alg, use or key_ops that says another purpose', () => {
    expect(parsePublicKeyJwk({ ...edJwk, alg: 'ES256' })).toMatchObject({ reason: 'alg_mismatch' })
    expect(parsePublicKeyJwk({ ...ecJwk, alg: 'ES384' })).toMatchObject({ reason: 'alg_mismatch' })
    expect(parsePublicKeyJwk({ ...ecJwk, use: 'enc' })).toMatchObject({ reason: 'invalid_member' })
    expect(parsePublicKeyJwk({ ...ecJwk, key_ops: ['sign'] })).toMatchObject({ reason: 'invalid_member' })
    expect(parsePublicKeyJwk({ ...ecJwk, kid: 7 })).toMatchObject({ reason: 'invalid_member' })
  })
})
