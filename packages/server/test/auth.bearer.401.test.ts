import { createHmac } from 'node:crypto'
import { generateKeyPair, SignJWT } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { expectProblem } from './support/problem.js'
import { startTestServer, TEST_PUBLIC_URL, type TestServer } from './support/test-server.js'
import { newWallet, signIn } from './support/wallet.js'

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Forged and damaged bearer tokens against GET /v1/auth/me (spec/siwe.md §7 item 36). */
describe('Bearer access tokens: refused', () => {
  let server: TestServer
  let valid: { accessToken: string }
  beforeEach(async () => {
    server = await startTestServer()
    valid = (await signIn(server.app, newWallet(), server.clock.now())).json()
  })
  afterEach(() => server.close())

  const me = (authorization?: string) =>
    server.app.inject({ method: 'GET', url: '/v1/auth/me', headers: authorization ? { authorization } : {} })
  const parts = () => {
    const [header, payload, signature] = valid.accessToken.split('.') as [string, string, string]
    return {
      header: JSON.parse(Buffer.from(header, 'base64url').toString()),
      payload: JSON.parse(Buffer.from(payload, 'base64url').toString()),
      signature,
    }
  }
  const expectRefused = async (authorization: string | undefined, code: string) =>
    expectProblem(await me(authorization), 401, code, { headers: { 'www-authenticate': /^Bearer/ } })

  it('error: no credential, or another scheme', async () => {
    await expectRefused(undefined, 'CREDENTIAL_MISSING')
    await expectRefused(`Basic ${Buffer.from('a:b').toString('base64')}`, 'CREDENTIAL_MISSING')
  })

  it('error: alg none', async () => {
    const { header, payload } = parts()
    await expectRefused(`Bearer ${b64({ ...header, alg: 'none' })}.${b64(payload)}.`, 'TOKEN_INVALID')
  })

  it('error: HS256 signed with our public key as the HMAC secret (algorithm confusion)', async () => {
    const { header, payload } = parts()
    const jwk = server.gateway.jwks().keys[0]!
    for (const secret of [JSON.stringify(jwk), Buffer.from(jwk.x!, 'base64url')]) {
      const input = `${b64({ ...header, alg: 'HS256' })}.${b64(payload)}`
      const mac = createHmac('sha256', secret).update(input).digest('base64url')
      await expectRefused(`Bearer ${input}.${mac}`, 'TOKEN_INVALID')
    }
  })

  it('error: a well-formed token signed by a key that is not ours, with an unknown or with our kid', async () => {
    const { header, payload } = parts()
    const { privateKey } = await generateKeyPair('ES256')
    for (const kid of ['attacker', header.kid]) {
      const forged = await new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
        .sign(privateKey)
      await expectRefused(`Bearer ${forged}`, 'TOKEN_INVALID')
    }
  })

  it('error: an embedded jwk header pointing at the attacker key', async () => {
    const { header, payload } = parts()
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    const { exportJWK } = await import('jose')
    const forged = await new SignJWT(payload)
      .setProtectedHeader({ ...header, jwk: await exportJWK(publicKey) })
      .sign(privateKey)
    await expectRefused(`Bearer ${forged}`, 'TOKEN_INVALID')
  })

  it('error: a tampered payload with the original signature', async () => {
    const { header, payload, signature } = parts()
    const raised = { ...payload, sub: '00000000-0000-0000-0000-000000000000' }
    await expectRefused(`Bearer ${b64(header)}.${b64(raised)}.${signature}`, 'TOKEN_INVALID')
  })

  it('error: a token already verified (and cached) expires at the same instant as a fresh one', async () => {
    expect((await me(`Bearer ${valid.accessToken}`)).statusCode).toBe(200)
    server.clock.advance(300_000 + 5_000 - 1000)
    expect((await me(`Bearer ${valid.accessToken}`)).statusCode).toBe(200)
    server.clock.advance(1000)
    await expectRefused(`Bearer ${valid.accessToken}`, 'TOKEN_EXPIRED')
  })

  it('error: a cached token of a revoked session is refused at once', async () => {
    expect((await me(`Bearer ${valid.accessToken}`)).statusCode).toBe(200)
    await server.app.inject({
      method: 'POST',
      url: '/v1/auth/logout',
      headers: { authorization: `Bearer ${valid.accessToken}` },
    })
    await expectRefused(`Bearer ${valid.accessToken}`, 'SESSION_REVOKED')
  })

  it('error: expired once the access TTL has passed', async () => {
    server.clock.advance(300_000 + 5_000)
    await expectRefused(`Bearer ${valid.accessToken}`, 'TOKEN_EXPIRED')
  })

  it('error: a token from another issuer/audience (another Sigil with its own keys)', async () => {
    const other = await startTestServer({ publicUrl: 'https://other.example' })
    try {
      const foreign = (await signIn(other.app, newWallet(), other.clock.now())).json()
      await expectRefused(`Bearer ${foreign.accessToken}`, 'TOKEN_INVALID')
    } finally {
      await other.close()
    }
  })

  it('attack: the signature respelled with non-zero spare bits (same bytes, a look-alike token) is refused', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const token = valid.accessToken
    const last = alphabet.indexOf(token.charAt(token.length - 1))
    const respelled = `${token.slice(0, -1)}${alphabet.charAt(last ^ 1)}`
    await expectRefused(`Bearer ${respelled}`, 'TOKEN_INVALID')
    expect((await me(`Bearer ${token}`)).statusCode).toBe(200)
  })

  it('error: garbage', async () => {
    for (const token of ['a.b.c', 'abc', `${valid.accessToken}x`, 'a'.repeat(9000)]) {
      await expectRefused(`Bearer ${token}`, 'TOKEN_INVALID')
    }
  })

  it('behavior: TEST_PUBLIC_URL is the issuer, so the positive control passes', async () => {
    expect(parts().payload.iss).toBe(TEST_PUBLIC_URL)
    expect((await me(`Bearer ${valid.accessToken}`)).statusCode).toBe(200)
  })
})
