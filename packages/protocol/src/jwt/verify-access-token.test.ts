import { createHmac, createPrivateKey, createPublicKey, type JsonWebKey, sign as nodeSign } from 'node:crypto'
import type { JWK } from 'jose'
import { beforeAll, describe, expect, test, vi } from 'vitest'
import type { AccessTokenClaims } from './access-token-claims.js'
import { generateSigningKey, type SigningKeyPair } from './generate-signing-key.js'
import { type ImportedSigningKey, importSigningKey } from './import-signing-key.js'
import { signAccessToken } from './sign-access-token.js'
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './signing-algorithm.js'
import {
  ACCESS_TOKEN_REASONS,
  type AccessTokenReason,
  MAX_ACCESS_TOKEN_LENGTH,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from './verify-access-token.js'

const NOW = 1_760_000_000
const ISSUER = 'https://auth.sigil.test'
const AUDIENCE = 'https://api.sigil.test'
const CLAIMS: AccessTokenClaims = {
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'acct_01',
  client_id: 'native',
  iat: NOW - 10,
  exp: NOW + 290,
  jti: 'b1946ac9-2f4e-4b5e-9d1e-3c5f1f2a7d10',
  sid: 'sess_01',
  scope: 'read trade',
}

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

/**
 * Builds a compact JWS by hand with node:crypto, so a test can put anything in the header or payload
 * (jose's own signer refuses most of what attackers send). `payload` may be raw JSON text.
 */
function signCompact(header: unknown, payload: unknown, privateJwk: JWK, alg: SigningAlgorithm): string {
  const input = `${b64(header)}.${b64(payload)}`
  const key = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' })
  const signature =
    alg === 'EdDSA'
      ? nodeSign(null, Buffer.from(input), key)
      : nodeSign(alg === 'ES256' ? 'sha256' : 'sha384', Buffer.from(input), {
          key,
          dsaEncoding: 'ieee-p1363',
        })
  return `${input}.${signature.toString('base64url')}`
}

describe.each(SIGNING_ALGORITHMS)('verifyAccessToken (%s)', (alg) => {
  const otherAlg: SigningAlgorithm = alg === 'ES256' ? 'ES384' : 'ES256'
  let pair: SigningKeyPair
  let key: ImportedSigningKey
  let impostor: SigningKeyPair
  let otherAlgPair: SigningKeyPair
  let ring: Map<string, ImportedSigningKey>

  beforeAll(async () => {
    ;[pair, impostor, otherAlgPair] = await Promise.all([
      generateSigningKey(alg),
      generateSigningKey(alg),
      generateSigningKey(otherAlg),
    ])
    key = await importSigningKey(pair)
    // The ring also holds a key of another algorithm, as during an algorithm change.
    ring = new Map([
      [key.kid, key],
      [otherAlgPair.kid, await importSigningKey(otherAlgPair)],
    ])
  })

  const options = (overrides: Partial<VerifyAccessTokenOptions> = {}): VerifyAccessTokenOptions => ({
    issuer: ISSUER,
    audience: AUDIENCE,
    now: NOW,
    resolveKey: (kid) => ring.get(kid),
    ...overrides,
  })
  const header = (overrides: Record<string, unknown> = {}) => ({
    alg,
    kid: key.kid,
    typ: 'at+jwt',
    ...overrides,
  })
  /** Signed by our real ring key: only the deliberate defect can be the reason for a rejection. */
  const forge = (h: unknown, payload: unknown = CLAIMS) => signCompact(h, payload, pair.privateJwk, alg)
  const expectReason = async (
    token: string,
    reason: AccessTokenReason,
    overrides: Partial<VerifyAccessTokenOptions> = {},
  ) => {
    expect(await verifyAccessToken(token, options(overrides))).toStrictEqual({ ok: false, reason })
  }
  const expectOk = async (token: string, overrides: Partial<VerifyAccessTokenOptions> = {}) => {
    expect(await verifyAccessToken(token, options(overrides))).toMatchObject({ ok: true })
  }

  test('default', async () => {
    const token = await signAccessToken(CLAIMS, key)
    expect(await verifyAccessToken(token, options())).toStrictEqual({ ok: true, value: CLAIMS })
  })

  test('error: signing refuses more isolated_accounts than verifying accepts', async () => {
    const many = Array.from({ length: 257 }, (_, i) => `0x${i}`)
    await expect(signAccessToken({ ...CLAIMS, isolated_accounts: many }, key)).rejects.toThrow(RangeError)
  })

  test('behavior: isolated_accounts round-trips when present', async () => {
    const claims = { ...CLAIMS, isolated_accounts: ['0xa1', '0xb2'] }
    const token = await signAccessToken(claims, key)
    expect(await verifyAccessToken(token, options())).toStrictEqual({ ok: true, value: claims })
  })

  test('behavior: subkey round-trips when present, and only our own members are signed', async () => {
    const claims = { ...CLAIMS, subkey: '0x7a1d' }
    const token = await signAccessToken({ ...claims, extra: 'dropped' } as typeof claims, key)
    expect(await verifyAccessToken(token, options())).toStrictEqual({ ok: true, value: claims })
  })

  test('behavior: the hand-built signer makes tokens that verify (so the forgeries below are fair)', async () => {
    await expectOk(forge(header()))
  })

  test('behavior: typ compares as RFC 7515 says (case, optional application/ prefix)', async () => {
    await expectOk(forge(header({ typ: 'application/at+jwt' })))
    await expectOk(forge(header({ typ: 'AT+JWT' })))
  })

  test('behavior: nbf in the past or now, and iat/exp within tolerance, are accepted', async () => {
    await expectOk(forge(header(), { ...CLAIMS, nbf: NOW }))
    await expectOk(forge(header(), { ...CLAIMS, nbf: NOW - 60 }))
  })

  test('behavior: claims outside the access-token set are not returned', async () => {
    const result = await verifyAccessToken(forge(header(), { ...CLAIMS, admin: true, nbf: NOW }), options())
    expect(result).toStrictEqual({ ok: true, value: CLAIMS })
  })

  test('behavior: the ring is not consulted for a header that is refused anyway', async () => {
    const resolveKey = vi.fn((kid: string) => ring.get(kid))
    for (const token of [
      forge(header({ alg: 'none' })),
      forge(header({ alg: 'HS256' })),
      forge(header({ jku: 'https://evil.example/jwks.json' })),
      forge(header({ typ: 'JWT' })),
      forge(header({ kid: '../../../dev/null' })),
    ]) {
      expect((await verifyAccessToken(token, options({ resolveKey }))).ok).toBe(false)
    }
    expect(resolveKey).not.toHaveBeenCalled()
  })

  test('error: alg none (hand-built, with and without a signature)', async () => {
    const unsigned = `${b64(header({ alg: 'none' }))}.${b64(CLAIMS)}.`
    await expectReason(unsigned, 'alg_mismatch')
    await expectReason(forge(header({ alg: 'none' })), 'alg_mismatch')
    await expectReason(`${b64(header({ alg: 'None' }))}.${b64(CLAIMS)}.`, 'alg_mismatch')
  })

  test('error: HS256 signed with our public key as the HMAC secret', async () => {
    const publicKey = createPublicKey({ key: pair.publicJwk as JsonWebKey, format: 'jwk' })
    const secrets: (string | Buffer)[] = [
      JSON.stringify(pair.publicJwk),
      JSON.stringify(publicMembersOnly(pair.publicJwk)),
      publicKey.export({ format: 'pem', type: 'spki' }) as string,
      publicKey.export({ format: 'der', type: 'spki' }),
      Buffer.from(pair.publicJwk.x ?? '', 'base64url'),
    ]
    for (const secret of secrets) {
      const input = `${b64(header({ alg: 'HS256' }))}.${b64(CLAIMS)}`
      const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
      await expectReason(token, 'alg_mismatch')
    }
  })

  test('error: signed by another key that claims our kid', async () => {
    await expectReason(signCompact(header(), CLAIMS, impostor.privateJwk, alg), 'signature_invalid')
  })

  test('error: unknown kid', async () => {
    await expectReason(
      signCompact(header({ kid: impostor.kid }), CLAIMS, impostor.privateJwk, alg),
      'unknown_kid',
    )
  })

  test('error: missing or implausible kid', async () => {
    const { kid: _, ...withoutKid } = header()
    await expectReason(forge(withoutKid), 'unknown_kid')
    await expectReason(forge(header({ kid: 42 })), 'unknown_kid')
    await expectReason(forge(header({ kid: '' })), 'unknown_kid')
    await expectReason(forge(header({ kid: 'k'.repeat(129) })), 'unknown_kid')
    await expectReason(forge(header({ kid: "' OR 1=1 --" })), 'unknown_kid')
  })

  test('error: header names another of our algorithms than the key has (alg mismatch)', async () => {
    // Our kid, a header claiming the other ring algorithm, signed by a key of that algorithm.
    const token = signCompact(header({ alg: otherAlg }), CLAIMS, otherAlgPair.privateJwk, otherAlg)
    await expectReason(token, 'alg_mismatch')
    // And the reverse: the other key's kid with our alg.
    await expectReason(forge(header({ kid: otherAlgPair.kid })), 'alg_mismatch')
  })

  test('error: embedded jwk with the attacker key, signed by the attacker', async () => {
    const token = signCompact(header({ jwk: impostor.publicJwk }), CLAIMS, impostor.privateJwk, alg)
    await expectReason(token, 'header_not_allowed')
  })

  test('error: jku, x5u, x5c, crit, and any member we did not write', async () => {
    const members: Record<string, unknown>[] = [
      { jku: 'https://evil.example/jwks.json' },
      { x5u: 'https://evil.example/cert.pem' },
      { x5c: ['MIIB'] },
      { crit: ['exp'], exp: NOW + 3600 },
      { crit: ['b64'], b64: false },
      { cty: 'JWT' },
      { zip: 'DEF' },
      { 'x5t#S256': 'AAAA' },
    ]
    for (const extra of members) {
      // Signed by our own key: the header member alone must cause the rejection.
      await expectReason(forge({ ...header(), ...extra }), 'header_not_allowed')
    }
    const protoHeader = `{"alg":"${alg}","kid":"${key.kid}","typ":"at+jwt","__proto__":{"jwk":{}}}`
    await expectReason(forge(protoHeader), 'header_not_allowed')
  })

  test('error: typ JWT, another typ, or none', async () => {
    await expectReason(forge(header({ typ: 'JWT' })), 'typ_invalid')
    await expectReason(forge(header({ typ: 'dpop+jwt' })), 'typ_invalid')
    await expectReason(forge(header({ typ: 'at+jwt ' })), 'typ_invalid')
    await expectReason(forge(header({ typ: ['at+jwt'] })), 'typ_invalid')
    const { typ: _, ...untyped } = header()
    await expectReason(forge(untyped), 'typ_invalid')
  })

  test('error: expired (exp = now)', async () => {
    await expectReason(await signAccessToken({ ...CLAIMS, exp: NOW }, key), 'expired')
    await expectReason(await signAccessToken({ ...CLAIMS, exp: NOW - 1 }, key), 'expired')
    await expectOk(await signAccessToken({ ...CLAIMS, exp: NOW + 1 }, key))
  })

  test('error: expired at the boundary of the clock tolerance', async () => {
    const tolerance = { clockToleranceSeconds: 30 }
    await expectOk(await signAccessToken({ ...CLAIMS, exp: NOW - 29 }, key), tolerance)
    await expectReason(await signAccessToken({ ...CLAIMS, exp: NOW - 30 }, key), 'expired', tolerance)
  })

  test('error: nbf in the future, and at the tolerance boundary', async () => {
    await expectReason(forge(header(), { ...CLAIMS, nbf: NOW + 1 }), 'not_yet_valid')
    const tolerance = { clockToleranceSeconds: 30 }
    await expectOk(forge(header(), { ...CLAIMS, nbf: NOW + 30 }), tolerance)
    await expectReason(forge(header(), { ...CLAIMS, nbf: NOW + 31 }), 'not_yet_valid', tolerance)
  })

  test('error: wrong iss', async () => {
    await expectReason(
      await signAccessToken({ ...CLAIMS, iss: 'https://evil.example' }, key),
      'claims_invalid',
    )
  })

  test('error: wrong aud, or aud as an array (even one that contains ours)', async () => {
    await expectReason(await signAccessToken({ ...CLAIMS, aud: 'https://other.api' }, key), 'claims_invalid')
    await expectReason(forge(header(), { ...CLAIMS, aud: [AUDIENCE] }), 'claims_invalid')
    await expectReason(forge(header(), { ...CLAIMS, aud: [AUDIENCE, 'https://other.api'] }), 'claims_invalid')
  })

  test('error: tampered payload (one claim changed, signature kept)', async () => {
    const [h, , s] = (await signAccessToken(CLAIMS, key)).split('.')
    for (const change of [{ sub: 'acct_02' }, { scope: 'read trade admin' }, { exp: NOW + 86_400 }]) {
      await expectReason(`${h}.${b64({ ...CLAIMS, ...change })}.${s}`, 'signature_invalid')
    }
  })

  test('error: tampered header (typ rewritten, signature kept)', async () => {
    const [, p, s] = (await signAccessToken(CLAIMS, key)).split('.')
    await expectReason(`${b64(header({ typ: 'application/at+jwt' }))}.${p}.${s}`, 'signature_invalid')
  })

  test('error: each required claim missing', async () => {
    for (const name of Object.keys(CLAIMS)) {
      const { [name]: _, ...partial } = CLAIMS as Record<string, unknown>
      await expectReason(forge(header(), partial), 'claims_invalid')
    }
  })

  test('error: claims of the wrong type', async () => {
    const wrong: Record<string, unknown>[] = [
      { sub: 1 },
      { sub: '' },
      { sid: null },
      { jti: '' },
      { jti: 7 },
      { client_id: {} },
      { scope: ['read', 'trade'] },
      { scope: null },
      { iss: [ISSUER] },
      { iat: String(NOW) },
      { iat: null },
      { exp: String(NOW + 300) },
      { nbf: String(NOW) },
      { isolated_accounts: '0xa1' },
      { isolated_accounts: [1] },
      { isolated_accounts: [''] },
      { isolated_accounts: null },
      { isolated_accounts: Array.from({ length: 257 }, (_, i) => `0x${i}`) },
      { subkey: '' },
      { subkey: 7 },
      { subkey: ['0x1'] },
      { subkey: null },
    ]
    for (const change of wrong)
      await expectReason(forge(header(), { ...CLAIMS, ...change }), 'claims_invalid')
    // JSON.parse reads 1e999 as Infinity: an exp that never comes, or an iat that is never real.
    const json = JSON.stringify(CLAIMS)
    await expectReason(forge(header(), json.replace(`"exp":${CLAIMS.exp}`, '"exp":1e999')), 'claims_invalid')
    await expectReason(forge(header(), json.replace(`"iat":${CLAIMS.iat}`, '"iat":1e999')), 'claims_invalid')
  })

  test('error: a signed payload that is not a JSON object', async () => {
    for (const payload of ['[]', '"claims"', '42', 'null', 'not json', '{"sub":"a"']) {
      await expectReason(forge(header(), payload), 'malformed')
    }
  })

  test('error: a header that is not a JSON object', async () => {
    for (const h of ['[]', '"ES256"', 'null', 'not json']) await expectReason(forge(h), 'malformed')
  })

  test('error: garbage strings', async () => {
    const valid = await signAccessToken(CLAIMS, key)
    for (const token of [
      '',
      'a.b',
      'a.b.c',
      '...',
      '.b.c',
      'a..c',
      'x'.repeat(10 * 1024),
      `${valid}=`,
      `${valid}.`,
      `${valid}.x.y`,
      ` ${valid}`,
      `${valid}\n`,
      // Standard-base64 characters: not base64url (replacing - and _ would be a no-op on ~7% of tokens).
      `${valid.slice(0, -2)}+/`,
      `Bearer ${valid}`,
    ]) {
      await expectReason(token, 'malformed')
    }
  })

  test('attack: the signature respelled with non-zero spare bits (the same bytes, another token text)', async () => {
    const valid = await signAccessToken(CLAIMS, key)
    await expectOk(valid)
    const signature = valid.slice(valid.lastIndexOf('.') + 1)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const last = alphabet.indexOf(signature.charAt(signature.length - 1))
    // ES256 and EdDSA: 64 bytes in 86 characters, 4 spare bits; ES384: 96 bytes in 128, none.
    if (signature.length % 4 === 0) return expect(alg).toBe('ES384')
    const respelled = `${valid.slice(0, -1)}${alphabet.charAt(last | 1)}`
    expect(respelled).not.toBe(valid)
    expect(Buffer.from(respelled.slice(valid.lastIndexOf('.') + 1), 'base64url')).toEqual(
      Buffer.from(signature, 'base64url'),
    )
    await expectReason(respelled, 'malformed')
  })

  test('error: longer than the bound, even when well-formed and signed', async () => {
    const long = await signAccessToken({ ...CLAIMS, scope: 's'.repeat(MAX_ACCESS_TOKEN_LENGTH) }, key)
    await expectReason(long, 'malformed')
  })

  test('error: non-string input from untyped callers', async () => {
    for (const input of [undefined, null, 42, {}, ['a', 'b', 'c'], Buffer.from('a.b.c')]) {
      await expectReason(input as unknown as string, 'malformed')
    }
  })

  test('behavior: corrupting any one character never throws and never yields other claims', async () => {
    const valid = await signAccessToken(CLAIMS, key)
    for (let i = 0; i < valid.length; i++) {
      for (const replacement of ['A', '.', '-', '~']) {
        if (valid[i] === replacement) continue
        const corrupted = `${valid.slice(0, i)}${replacement}${valid.slice(i + 1)}`
        const result = await verifyAccessToken(corrupted, options())
        // A flip in the unused low bits of a final base64url character can decode to the same bytes;
        // the claims are then still exactly ours. Anything else must be refused with a known reason.
        if (result.ok) expect(result.value).toStrictEqual(CLAIMS)
        else expect(ACCESS_TOKEN_REASONS).toContain(result.reason)
      }
    }
  })
})

describe('verifyAccessToken', () => {
  let key: ImportedSigningKey
  let token: string
  beforeAll(async () => {
    key = await importSigningKey(await generateSigningKey('ES256'))
    token = await signAccessToken(CLAIMS, key)
  })
  const options = (overrides: Partial<VerifyAccessTokenOptions> = {}): VerifyAccessTokenOptions => ({
    issuer: ISSUER,
    audience: AUDIENCE,
    now: NOW,
    resolveKey: (kid) => (kid === key.kid ? key : undefined),
    ...overrides,
  })

  test('error: invalid options are a programmer error and throw, whatever the token', async () => {
    for (const input of [token, 'garbage']) {
      await expect(verifyAccessToken(input, options({ now: Number.NaN }))).rejects.toThrow(TypeError)
      await expect(verifyAccessToken(input, options({ clockToleranceSeconds: -1 }))).rejects.toThrow(
        TypeError,
      )
      await expect(verifyAccessToken(input, options({ issuer: '' }))).rejects.toThrow(TypeError)
      await expect(verifyAccessToken(input, options({ audience: '' }))).rejects.toThrow(TypeError)
    }
  })

  test('error: a ring key that does not match its alg is a bug and throws, not a rejection', async () => {
    const ed = await importSigningKey(await generateSigningKey('EdDSA'))
    const broken = options({ resolveKey: () => ({ alg: 'ES256', publicKey: ed.publicKey }) })
    await expect(verifyAccessToken(token, broken)).rejects.toThrow(TypeError)
  })

  test('behavior: rejection reasons carry no token content', async () => {
    const result = await verifyAccessToken(`${token}A`, options())
    expect(result).toStrictEqual({ ok: false, reason: 'signature_invalid' })
  })
})

function publicMembersOnly(jwk: JWK): JWK {
  const { kty, crv, x, y } = jwk
  return y === undefined ? ({ kty, crv, x } as JWK) : ({ kty, crv, x, y } as JWK)
}
