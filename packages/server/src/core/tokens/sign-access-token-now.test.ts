import {
  type AccessTokenClaims,
  generateSigningKey,
  type ImportedSigningKey,
  importSigningKey,
  MAX_ISOLATED_ACCOUNTS,
  SIGNING_ALGORITHMS,
  signAccessToken,
  verifyAccessToken,
} from '@sigil/protocol'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAccessTokenSigner } from './sign-access-token-now.js'

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

describe.each(SIGNING_ALGORITHMS)('the synchronous access-token signer (%s)', (alg) => {
  let key: ImportedSigningKey
  let other: ImportedSigningKey
  const signNow = createAccessTokenSigner()
  const verify = (token: string, keys = [key]) =>
    verifyAccessToken(token, {
      issuer: CLAIMS.iss,
      audience: CLAIMS.aud,
      now: NOW,
      resolveKey: (kid) => keys.find((k) => k.kid === kid),
    })
  beforeAll(async () => {
    key = await importSigningKey(await generateSigningKey(alg))
    other = await importSigningKey(await generateSigningKey(alg))
  })

  it('behavior: header and claims are byte for byte those of jose (protocol signAccessToken)', async () => {
    for (const claims of [CLAIMS, { ...CLAIMS, isolated_accounts: ['a', 'b'], subkey: '0x1' }]) {
      const ours = signNow(claims, key).split('.')
      const jose = (await signAccessToken(claims, key)).split('.')
      expect(ours.slice(0, 2)).toEqual(jose.slice(0, 2))
    }
  })

  it('behavior: what it signs verifies through jose, with the claims it was given', async () => {
    expect(await verify(signNow(CLAIMS, key))).toStrictEqual({ ok: true, value: CLAIMS })
    // Per-key caches: a second key signs as itself, and the first one still does.
    expect(await verify(signNow(CLAIMS, other), [other])).toStrictEqual({ ok: true, value: CLAIMS })
    expect(await verify(signNow(CLAIMS, key))).toStrictEqual({ ok: true, value: CLAIMS })
  })

  it('attack: a tampered payload or a token of another key does not verify', async () => {
    const [header, , signature] = signNow(CLAIMS, key).split('.')
    const forged = Buffer.from(JSON.stringify({ ...CLAIMS, scope: 'read trade account' })).toString(
      'base64url',
    )
    expect((await verify(`${header}.${forged}.${signature}`)).ok).toBe(false)
    const byOther = signNow(CLAIMS, other).split('.')
    expect((await verify([header, byOther[1], byOther[2]].join('.'))).ok).toBe(false)
  })

  it('behavior: members outside the claim set are not signed', async () => {
    const withExtra = { ...CLAIMS, admin: true, nbf: NOW } as AccessTokenClaims
    const payload = JSON.parse(Buffer.from(signNow(withExtra, key).split('.')[1]!, 'base64url').toString())
    expect(Object.keys(payload)).toEqual(Object.keys(CLAIMS))
  })

  it('error: non-finite times and too many isolated accounts throw instead of being signed', () => {
    expect(() => signNow({ ...CLAIMS, exp: Number.POSITIVE_INFINITY }, key)).toThrow(TypeError)
    expect(() => signNow({ ...CLAIMS, iat: Number.NaN }, key)).toThrow(TypeError)
    const many = Array.from({ length: MAX_ISOLATED_ACCOUNTS + 1 }, (_, i) => `acct_${i}`)
    expect(() => signNow({ ...CLAIMS, isolated_accounts: many }, key)).toThrow(RangeError)
  })
})
