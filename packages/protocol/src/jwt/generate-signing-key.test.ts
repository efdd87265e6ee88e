import { calculateJwkThumbprint } from 'jose'
import { describe, expect, test } from 'vitest'
import { generateSigningKey } from './generate-signing-key.js'
import { SIGNING_ALGORITHMS } from './signing-algorithm.js'

const CURVE = { ES256: 'P-256', ES384: 'P-384', EdDSA: 'Ed25519' } as const

describe.each(SIGNING_ALGORITHMS)('generateSigningKey (%s)', (alg) => {
  test('default', async () => {
    const pair = await generateSigningKey(alg)
    expect(pair.alg).toBe(alg)
    expect(pair.kid).toBe(await calculateJwkThumbprint(pair.publicJwk, 'sha256'))
    expect(pair.kid).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(pair.publicJwk).toMatchObject({ crv: CURVE[alg], kid: pair.kid, alg, use: 'sig' })
    expect(pair.privateJwk).toMatchObject({ crv: CURVE[alg], kid: pair.kid, alg, use: 'sig' })
    expect(typeof pair.privateJwk.d).toBe('string')
  })

  test('behavior: the public JWK carries no private member', async () => {
    const { publicJwk } = await generateSigningKey(alg)
    expect(Object.keys(publicJwk).sort()).toEqual(
      alg === 'EdDSA'
        ? ['alg', 'crv', 'kid', 'kty', 'use', 'x']
        : ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'],
    )
  })

  test('behavior: the private JWK describes the same public key', async () => {
    const { privateJwk, publicJwk } = await generateSigningKey(alg)
    expect({ ...privateJwk, d: undefined }).toEqual({ ...publicJwk, d: undefined })
  })

  test('behavior: every call makes a new key and kid', async () => {
    const [a, b] = await Promise.all([generateSigningKey(alg), generateSigningKey(alg)])
    expect(a.kid).not.toBe(b.kid)
    expect(a.privateJwk.d).not.toBe(b.privateJwk.d)
  })
})
