import { beforeEach, describe, expect, it } from 'vitest'
import { createKey, revokeKey, rotateKey, type SignedIn, useSignedInServer } from './support/api-keys.js'
import { expectProblem } from './support/problem.js'
import {
  newKeyPair,
  type PeerAlg,
  type PeerKey,
  registerSignedKey,
  sendSigned,
  signedRequest,
  signHeaders,
} from './support/signed-requests.js'
import type { TestServer } from './support/test-server.js'

const DAY = 86_400_000

/**
 * RFC 9421 signed requests by public-key API keys, end to end through the real app: a request
 * signed by the independent `http-message-signatures` library is verified, and every rule of
 * docs/signed-requests.md is attacked.
 */
describe('signed requests (RFC 9421) with a public-key API key', () => {
  let server: TestServer
  let owner: SignedIn
  let key: PeerKey
  useSignedInServer((started) => ({ server, owner } = started))
  beforeEach(async () => {
    key = await registerSignedKey(server, owner, { scope: 'read' })
  })

  it('default: a request signed with an Ed25519 or a P-256 key is the key account, credential api_key, marked signed', async () => {
    const p256 = await registerSignedKey(server, owner, { alg: 'ecdsa-p256-sha256', scope: 'trade' })
    for (const [signer, url] of [
      [key, '/v1/verify/read'],
      [p256, '/v1/verify/trade'],
    ] as const) {
      const response = await signedRequest(server, signer, { target: url })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toMatchObject({ accountId: owner.accountId, credential: 'api_key' })
      expect(response.headers['x-sigil-credential']).toBe('api_key_signed')
      expect(response.headers['x-sigil-key-id']).toBe(signer.id)
    }
    const me = await signedRequest(server, key, { target: '/v1/auth/me' })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({ apiKeyId: key.id })
  })

  it('attack: the same signature twice is refused the second time (replay), however long before it expires', async () => {
    const headers = await signHeaders(server, key)
    expect((await sendSigned(server, headers)).statusCode).toBe(200)
    expectProblem(await sendSigned(server, headers), 401, 'HTTP_SIGNATURE_REPLAYED')
    server.clock.advance(20_000)
    expectProblem(await sendSigned(server, headers), 401, 'HTTP_SIGNATURE_REPLAYED')
    // A new signature of the same request is a new request.
    expect((await signedRequest(server, key)).statusCode).toBe(200)
  })

  it('attack: a stale created (older than signatureMaxAgeSeconds) or one in the future is refused', async () => {
    const now = server.clock.now()
    const old = await signedRequest(server, key, { created: now - 31_000 })
    expectProblem(old, 401, 'HTTP_SIGNATURE_EXPIRED', { fields: { detail: 'signature_too_old' } })
    const future = await signedRequest(server, key, { created: now + 61_000 })
    expectProblem(future, 401, 'HTTP_SIGNATURE_EXPIRED', { fields: { detail: 'created_in_future' } })
    const expired = await signedRequest(server, key, {
      params: ['keyid', 'created', 'expires'],
      paramValues: { expires: new Date(now - 1000) },
      created: now - 5000,
    })
    expectProblem(expired, 401, 'HTTP_SIGNATURE_EXPIRED', { fields: { detail: 'signature_expired' } })
    // Within the window: accepted.
    expect((await signedRequest(server, key, { created: now - 29_000 })).statusCode).toBe(200)
  })

  it('attack: another method, path, query or authority than the one signed does not verify', async () => {
    const trade = await registerSignedKey(server, owner, { scope: 'trade' })
    const cases = [
      { sign: { method: 'POST', target: '/v1/verify/read' }, send: { method: 'GET' } },
      { sign: { target: '/v1/verify/trade' }, send: { target: '/v1/verify/read' } },
      { sign: { target: '/v1/verify/read?a=1' }, send: { target: '/v1/verify/read?a=2' } },
      { sign: { target: '/v1/verify/read?a=1' }, send: { target: '/v1/verify/read' } },
      { sign: { host: 'app.example' }, send: { headers: { host: 'evil.example' } } },
      { sign: { host: 'app.example' }, send: { headers: { host: 'app.example:8443' } } },
    ]
    for (const { sign, send } of cases) {
      const headers = await signHeaders(server, trade, sign)
      const response = await sendSigned(server, headers, send)
      expectProblem(response, 401, 'HTTP_SIGNATURE_INVALID', { fields: { detail: 'bad_signature' } })
    }
  })

  it('attack: a signature that does not cover @method, @authority, @path or @query is refused (400)', async () => {
    for (const missing of ['@method', '@authority', '@path', '@query']) {
      const fields = ['@method', '@authority', '@path', '@query'].filter((f) => f !== missing)
      const response = await signedRequest(server, key, { fields })
      expectProblem(response, 400, 'HTTP_SIGNATURE_COMPONENTS_MISSING')
    }
  })

  it("attack: an alg other than the key's is refused, even though the key signed", async () => {
    const response = await signedRequest(server, key, { paramValues: { alg: 'ecdsa-p256-sha256' } })
    expectProblem(response, 401, 'HTTP_SIGNATURE_INVALID', { fields: { detail: 'alg_mismatch' } })
    const hmac = await signedRequest(server, key, { paramValues: { alg: 'hmac-sha256' } })
    expectProblem(hmac, 401, 'HTTP_SIGNATURE_INVALID', { fields: { detail: 'alg_mismatch' } })
  })

  it('attack: a signature by another key under this keyid does not verify; a P-256 signature for an Ed25519 key neither', async () => {
    const other = newKeyPair()
    expectProblem(
      await signedRequest(server, key, { signWith: other.privateKey }),
      401,
      'HTTP_SIGNATURE_INVALID',
    )
    const p256 = newKeyPair('ecdsa-p256-sha256')
    const response = await signedRequest(server, key, {
      signWith: p256.privateKey,
      signAlg: 'ecdsa-p256-sha256',
      params: ['keyid', 'created'],
    })
    expectProblem(response, 401, 'HTTP_SIGNATURE_INVALID', { fields: { detail: 'bad_signature' } })
  })

  it('attack: an unknown keyid, or the id of a secret (bearer) key, is API_KEY_INVALID', async () => {
    const secretKey = await createKey(server, owner, { scope: 'read' })
    for (const id of [secretKey.id, 'AAAAAAAAAAAAAAAA']) {
      const response = await signedRequest(server, { ...key, id })
      expectProblem(response, 401, 'API_KEY_INVALID')
    }
    // Nor is a public-key key's id a bearer key.
    const bearer = await server.app.inject({
      method: 'GET',
      url: '/v1/verify/read',
      headers: { 'x-api-key': `sgl_sk_${key.id}${'a'.repeat(43)}` },
    })
    expectProblem(bearer, 401, 'API_KEY_INVALID')
  })

  it('attack: a revoked key is refused at once, a fresh signature included', async () => {
    expect((await signedRequest(server, key)).statusCode).toBe(200)
    expect((await revokeKey(server, owner, key.id)).statusCode).toBe(204)
    expectProblem(await signedRequest(server, key), 401, 'API_KEY_REVOKED')
  })

  it('attack: an expired key is refused', async () => {
    const expiring = await registerSignedKey(server, owner, { expiresInDays: 1 })
    expect((await signedRequest(server, expiring)).statusCode).toBe(200)
    server.clock.advance(DAY)
    expectProblem(await signedRequest(server, expiring), 401, 'API_KEY_EXPIRED')
  })

  it('attack: a client IP outside the allowlist is refused; inside it is accepted', async () => {
    const pinned = await registerSignedKey(server, owner, { allowedIps: ['203.0.113.0/24'] })
    expectProblem(await signedRequest(server, pinned, { ip: '198.51.100.7' }), 403, 'IP_NOT_ALLOWED')
    expect((await signedRequest(server, pinned, { ip: '203.0.113.9' })).statusCode).toBe(200)
  })

  it('attack: a read key on a trade route is SCOPE_MISSING; it never manages keys', async () => {
    expectProblem(await signedRequest(server, key, { target: '/v1/verify/trade' }), 403, 'SCOPE_MISSING')
    const trade = await registerSignedKey(server, owner, { scope: 'trade' })
    expectProblem(await signedRequest(server, trade, { target: '/v1/api-keys' }), 403, 'SCOPE_MISSING')
  })

  /** `key` rotated to a new key pair of `alg`, the old one verifying for 60 s: the new signer. */
  const rotateTo = async (alg: PeerAlg): Promise<PeerKey> => {
    const next = newKeyPair(alg)
    const rotated = await rotateKey(server, owner, key.id, {
      publicKey: next.publicJwk,
      gracePeriodSeconds: 60,
    })
    expect(rotated.statusCode).toBe(200)
    return { id: key.id, ...next }
  }

  it('behavior: after a rotation the old key verifies during the grace period only; the new one at once', async () => {
    const renewed = await rotateTo('ecdsa-p256-sha256')
    expect((await signedRequest(server, renewed)).statusCode).toBe(200)
    expect((await signedRequest(server, key)).statusCode).toBe(200)
    server.clock.advance(60_000)
    expectProblem(await signedRequest(server, key), 401, 'HTTP_SIGNATURE_INVALID')
    expect((await signedRequest(server, renewed)).statusCode).toBe(200)
  })

  it('behavior: in the grace of a rotation to the same algorithm, or of signatures without alg, both keys verify; then the new one only', async () => {
    const noAlg = { params: ['keyid', 'created'] }
    // A second apart: the keys sign the same base, which the replay cache takes once.
    const status = async (signer: PeerKey, options = {}) => {
      server.clock.advance(1000)
      return (await signedRequest(server, signer, options)).statusCode
    }
    const renewed = await rotateTo('ed25519')
    for (const options of [{}, noAlg]) {
      expect(await status(renewed, options)).toBe(200)
      expect(await status(key, options)).toBe(200)
    }
    // Another algorithm, and signatures that do not name theirs: the previous key still verifies.
    const third = await rotateTo('ecdsa-p256-sha256')
    expect(await status(third, noAlg)).toBe(200)
    expect(await status(renewed, noAlg)).toBe(200)
    // The key rotated out before is past: one previous key at a time.
    expect(await status(key, noAlg)).toBe(401)
    server.clock.advance(60_000)
    expect(await status(renewed, noAlg)).toBe(401)
    expectProblem(await signedRequest(server, renewed), 401, 'HTTP_SIGNATURE_INVALID')
    expect(await status(third, noAlg)).toBe(200)
  })

  it('attack: malformed signature fields are 400 HTTP_SIGNATURE_MALFORMED with the reason', async () => {
    const headers = await signHeaders(server, key)
    const cases: [Record<string, string>, string][] = [
      [
        { 'signature-input': headers['signature-input']!, signature: 'sig=:AAAA:' },
        'invalid_signature_encoding',
      ],
      [{ 'signature-input': 'sig=(', signature: headers.signature! }, 'malformed_signature_input'],
      [{ 'signature-input': headers['signature-input']! }, 'missing_signature'],
      [{ 'signature-input': headers['signature-input']!, signature: 'other=:AAAA:' }, 'label_not_found'],
    ]
    for (const [fields, detail] of cases) {
      const response = await server.app.inject({
        method: 'GET',
        url: '/v1/verify/read',
        headers: { host: headers.host!, ...fields },
      })
      expectProblem(response, 400, 'HTTP_SIGNATURE_MALFORMED', { fields: { detail } })
    }
  })

  it('behavior: a bearer credential wins over signature fields (the precedence is Authorization, x-api-key, signature, cookie)', async () => {
    const secretKey = await createKey(server, owner, { scope: 'read' })
    const headers = await signHeaders(server, key)
    const response = await sendSigned(server, headers, { headers: { 'x-api-key': secretKey.secret } })
    expect(response.statusCode).toBe(200)
    expect(response.headers['x-sigil-credential']).toBe('api_key')
  })
})
