import { describe, expect, test } from 'vitest'
import { isSigningAlgorithm, SIGNING_ALGORITHMS } from './signing-algorithm.js'

describe('isSigningAlgorithm', () => {
  test('default', () => {
    expect(SIGNING_ALGORITHMS).toEqual(['ES256', 'ES384', 'EdDSA'])
    for (const alg of SIGNING_ALGORITHMS) expect(isSigningAlgorithm(alg)).toBe(true)
  })

  test('error: none, HMAC, other asymmetric algs and non-strings are not ours', () => {
    for (const value of [
      'none',
      'None',
      'HS256',
      'RS256',
      'ES512',
      'Ed25519',
      'es256',
      '',
      undefined,
      null,
      1,
      {},
    ]) {
      expect(isSigningAlgorithm(value)).toBe(false)
    }
  })
})
