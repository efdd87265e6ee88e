import { createLocalJWKSet, type JWK, jwtVerify } from 'jose'
import { beforeAll, describe, expect, test } from 'vitest'
import { createJwks } from './create-jwks.js'
import { generateSigningKey, type SigningKeyPair } from './generate-signing-key.js'
import { importSigningKey } from './import-signing-key.js'
import { signAccessToken } from './sign-access-token.js'
import { SIGNING_ALGORITHMS } from './signing-algorithm.js'

const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use']

describe.each(SIGNING_ALGORITHMS)('createJwks (%s)', (alg) => {
  let pair: SigningKeyPair
  beforeAll(async () => {
    pair = await generateSigningKey(alg)
  })

  test('default', () => {
    const { x, y, crv, kty } = pair.publicJwk
    expect(createJwks([pair])).toEqual({
      keys: [{ kty, crv, x, ...(y === undefined ? {} : { y }), kid: pair.kid, alg, use: 'sig' }],
    })
  })

  test('behavior: a token signed by the key verifies against the published JWKS', async () => {
    const key = await importSigningKey(pair)
    const now = 1_760_000_000
    const token = await signAccessToken(
      {
        iss: 'i',
        aud: 'a',
        sub: 's',
        client_id: 'c',
        iat: now,
        exp: now + 60,
        jti: 'j',
        sid: 'x',
        scope: '',
      },
      key,
    )
    const jwks = createLocalJWKSet(createJwks([pair]))
    const { payload } = await jwtVerify(token, jwks, { algorithms: [alg], currentDate: new Date(now * 1000) })
    expect(payload.sub).toBe('s')
  })

  test('behavior: a private JWK passed by mistake publishes only its public half', () => {
    const [published] = createJwks([{ kid: pair.kid, alg, publicJwk: pair.privateJwk }]).keys
    expect(published).toEqual(createJwks([pair]).keys[0])
    expect(published).not.toHaveProperty('d')
    expect(JSON.stringify(published)).not.toContain(pair.privateJwk.d)
  })
})

describe('createJwks', () => {
  test('behavior: keeps the order of the ring and one entry per key', async () => {
    const pairs = await Promise.all(SIGNING_ALGORITHMS.map((alg) => generateSigningKey(alg)))
    expect(createJwks(pairs).keys.map((k) => k.kid)).toEqual(pairs.map((p) => p.kid))
    expect(createJwks([])).toEqual({ keys: [] })
  })

  test('behavior: no private or unknown member can leak, whatever the input', () => {
    const everything = {
      kty: 'EC',
      crv: 'P-256',
      x: 'X',
      y: 'Y',
      d: 'D',
      p: 'P',
      q: 'Q',
      dp: 'DP',
      dq: 'DQ',
      qi: 'QI',
      oth: [{ r: 'R', d: 'D', t: 'T' }],
      k: 'K',
      priv: 'PRIV',
      key_ops: ['sign'],
      ext: true,
      x5c: ['CERT'],
      x5u: 'https://evil.example/cert',
      kid: 'attacker-kid',
      alg: 'HS256',
      use: 'enc',
    } as unknown as JWK
    const [published] = createJwks([{ kid: 'ring-kid', alg: 'ES256', publicJwk: everything }]).keys
    expect(published).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: 'X',
      y: 'Y',
      kid: 'ring-kid',
      alg: 'ES256',
      use: 'sig',
    })
    expect(Object.keys(published ?? {}).every((member) => PUBLIC_MEMBERS.includes(member))).toBe(true)
  })

  test('behavior: non-string members are dropped, not stringified', () => {
    const odd = { kty: 'OKP', crv: 'Ed25519', x: { toString: () => 'X' }, y: 7 } as unknown as JWK
    expect(createJwks([{ kid: 'k', alg: 'EdDSA', publicJwk: odd }]).keys[0]).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      kid: 'k',
      alg: 'EdDSA',
      use: 'sig',
    })
  })
})
