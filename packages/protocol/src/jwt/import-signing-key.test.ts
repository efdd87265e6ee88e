import { type JWK, jwtVerify, SignJWT } from 'jose'
import { beforeAll, describe, expect, test } from 'vitest'
import { generateSigningKey, type SigningKeyPair } from './generate-signing-key.js'
import { importSigningKey } from './import-signing-key.js'
import { SIGNING_ALGORITHMS } from './signing-algorithm.js'

describe.each(SIGNING_ALGORITHMS)('importSigningKey (%s)', (alg) => {
  let pair: SigningKeyPair
  let other: SigningKeyPair
  beforeAll(async () => {
    ;[pair, other] = await Promise.all([generateSigningKey(alg), generateSigningKey(alg)])
  })

  test('default', async () => {
    const key = await importSigningKey(pair)
    expect(key.kid).toBe(pair.kid)
    expect(key.alg).toBe(alg)
    expect(key.privateKey.type).toBe('private')
    expect(key.publicKey.type).toBe('public')
    const token = await new SignJWT({}).setProtectedHeader({ alg }).sign(key.privateKey)
    await expect(jwtVerify(token, key.publicKey, { algorithms: [alg] })).resolves.toBeDefined()
  })

  test('behavior: the private key is not extractable', async () => {
    const key = await importSigningKey(pair)
    expect(key.privateKey.extractable).toBe(false)
  })

  test('behavior: a pair that went through JSON storage imports', async () => {
    const stored = JSON.parse(JSON.stringify(pair)) as SigningKeyPair
    await expect(importSigningKey(stored)).resolves.toMatchObject({ kid: pair.kid, alg })
  })

  test('error: kid is not the thumbprint of the public key', async () => {
    await expect(importSigningKey({ ...pair, kid: other.kid })).rejects.toThrow(/thumbprint/)
  })

  test('error: private and public halves of different keys', async () => {
    await expect(importSigningKey({ ...pair, privateJwk: other.privateJwk })).rejects.toThrow(
      /different keys/,
    )
  })

  test('error: a public JWK that carries the private scalar', async () => {
    await expect(importSigningKey({ ...pair, publicJwk: pair.privateJwk })).rejects.toThrow(/private members/)
  })

  test('error: a private JWK without d', async () => {
    await expect(importSigningKey({ ...pair, privateJwk: pair.publicJwk })).rejects.toThrow(/lacks "d"/)
  })

  test('error: an alg that is not ours', async () => {
    const bogus = { ...pair, alg: 'HS256' } as unknown as SigningKeyPair
    await expect(importSigningKey(bogus)).rejects.toThrow(/unsupported alg/)
  })

  test('error: no message carries key material', async () => {
    const attempts: SigningKeyPair[] = [
      { ...pair, kid: other.kid },
      { ...pair, privateJwk: other.privateJwk },
      { ...pair, publicJwk: pair.privateJwk },
    ]
    for (const attempt of attempts) {
      const error = await importSigningKey(attempt).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TypeError)
      expect(String((error as Error).message)).not.toContain(pair.privateJwk.d)
      expect(String((error as Error).message)).not.toContain(pair.publicJwk.x)
    }
  })
})

describe('importSigningKey', () => {
  test('error: a key labelled with another algorithm of the same family', async () => {
    // A P-256 key stored as ES384: the thumbprint still matches, the curve does not.
    const pair = await generateSigningKey('ES256')
    const relabel = (jwk: JWK): JWK => ({ ...jwk, alg: 'ES384' })
    const mislabelled: SigningKeyPair = {
      ...pair,
      alg: 'ES384',
      privateJwk: relabel(pair.privateJwk),
      publicJwk: relabel(pair.publicJwk),
    }
    await expect(importSigningKey(mislabelled)).rejects.toThrow(/does not import as an ES384 key/)
  })

  test('error: a symmetric JWK', async () => {
    const pair = await generateSigningKey('ES256')
    const oct = { kty: 'oct', k: 'c2VjcmV0' } as JWK
    await expect(importSigningKey({ ...pair, publicJwk: oct, privateJwk: oct })).rejects.toThrow(TypeError)
  })
})
