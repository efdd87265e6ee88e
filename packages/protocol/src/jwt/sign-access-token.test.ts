import { decodeJwt, decodeProtectedHeader } from 'jose'
import { beforeAll, describe, expect, test } from 'vitest'
import type { AccessTokenClaims } from './access-token-claims.js'
import { generateSigningKey } from './generate-signing-key.js'
import { type ImportedSigningKey, importSigningKey } from './import-signing-key.js'
import { signAccessToken } from './sign-access-token.js'
import { SIGNING_ALGORITHMS } from './signing-algorithm.js'
import { verifyAccessToken } from './verify-access-token.js'

const NOW = 1_760_000_000
const CLAIMS: AccessTokenClaims = {
  iss: 'https://auth.sigil.test',
  aud: 'https://api.sigil.test',
  sub: 'acct_01',
  client_id: 'native',
  iat: NOW,
  exp: NOW + 300,
  jti: 'b1946ac9-2f4e-4b5e-9d1e-3c5f1f2a7d10',
  sid: 'sess_01',
  scope: 'read trade',
}

describe.each(SIGNING_ALGORITHMS)('signAccessToken (%s)', (alg) => {
  let key: ImportedSigningKey
  beforeAll(async () => {
    key = await importSigningKey(await generateSigningKey(alg))
  })

  test('default', async () => {
    const token = await signAccessToken(CLAIMS, key)
    expect(decodeProtectedHeader(token)).toStrictEqual({ alg, kid: key.kid, typ: 'at+jwt' })
    expect(decodeJwt(token)).toStrictEqual(CLAIMS)
  })

  test('behavior: round trip through verifyAccessToken', async () => {
    const token = await signAccessToken(CLAIMS, key)
    const result = await verifyAccessToken(token, {
      issuer: CLAIMS.iss,
      audience: CLAIMS.aud,
      now: NOW,
      resolveKey: (kid) => (kid === key.kid ? key : undefined),
    })
    expect(result).toStrictEqual({ ok: true, value: CLAIMS })
  })

  test('behavior: members outside the claim set are not signed', async () => {
    const withExtra = { ...CLAIMS, admin: true, nbf: NOW } as AccessTokenClaims
    expect(Object.keys(decodeJwt(await signAccessToken(withExtra, key)))).toEqual(Object.keys(CLAIMS))
  })

  test('error: a non-finite time claim throws instead of being signed as null', async () => {
    await expect(signAccessToken({ ...CLAIMS, exp: Number.POSITIVE_INFINITY }, key)).rejects.toThrow(
      TypeError,
    )
  })
})
