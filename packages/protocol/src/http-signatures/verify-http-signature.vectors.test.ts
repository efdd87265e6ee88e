/**
 * RFC 9421 Appendix B.2 vectors (the request, keys and signatures as printed in the RFC): our
 * signature base must be byte-identical to the RFC's, and the RFC's signatures must verify.
 */
import { describe, expect, it } from 'vitest'
import { buildSignatureBase } from './build-signature-base.js'
import { verifyContentDigest } from './content-digest.js'
import { parseSignatureInput } from './parse-signature-fields.js'
import {
  B2_CREATED,
  B24_SIGNATURE,
  B24_SIGNATURE_BASE,
  B25_SIGNATURE,
  B25_SIGNATURE_BASE,
  B25_SIGNATURE_INPUT,
  B26_SIGNATURE,
  B26_SIGNATURE_BASE,
  B26_SIGNATURE_INPUT,
  rawPublicKey,
  TEST_KEY_ECC_P256_PUBLIC_PEM,
  TEST_KEY_ED25519_PUBLIC_PEM,
  TEST_REQUEST_BODY,
  TEST_SHARED_SECRET_BASE64,
  testRequest,
} from './rfc9421-vectors.fixtures.js'
import { type HttpSignatureKey, verifySignatureBytes } from './signature-algorithms.js'
import { verifyHttpSignature } from './verify-http-signature.js'

const ed25519Key: HttpSignatureKey = { alg: 'ed25519', publicKey: rawPublicKey(TEST_KEY_ED25519_PUBLIC_PEM) }
const hmacKey: HttpSignatureKey = {
  alg: 'hmac-sha256',
  secret: new Uint8Array(Buffer.from(TEST_SHARED_SECRET_BASE64, 'base64')),
}
const keys: Record<string, HttpSignatureKey> = {
  'test-key-ed25519': ed25519Key,
  'test-shared-secret': hmacKey,
}

const verifyVector = (input: string, signature: string, now = B2_CREATED * 1000) =>
  verifyHttpSignature({
    request: { ...testRequest({ 'Signature-Input': input, Signature: signature }), body: null },
    resolveKey: (keyId) => keys[keyId],
    now,
    maxAgeSeconds: 30,
    clockSkewSeconds: 5,
    requiredComponents: [],
  })

describe('RFC 9421 Appendix B.2', () => {
  it('the test-request body matches its Content-Digest (RFC 9530)', () => {
    const digest = testRequest().headers['Content-Digest'] as string
    expect(verifyContentDigest(digest, TEST_REQUEST_BODY)).toEqual({ ok: true, value: ['sha-512'] })
  })

  it.each([
    ['B.2.5', B25_SIGNATURE_INPUT, B25_SIGNATURE_BASE],
    ['B.2.6', B26_SIGNATURE_INPUT, B26_SIGNATURE_BASE],
  ])('%s: the signature base is byte-identical to the RFC', (_, input, expected) => {
    const parsed = parseSignatureInput(input)
    if (!parsed.ok) throw new Error(parsed.reason)
    const [member] = [...parsed.value.values()]
    expect(buildSignatureBase(testRequest(), member!.components, member!.serialized)).toEqual({
      ok: true,
      value: expected,
    })
  })

  it('B.2.5: the hmac-sha256 signature verifies', async () => {
    const result = await verifyVector(B25_SIGNATURE_INPUT, B25_SIGNATURE)
    expect(result).toMatchObject({
      ok: true,
      value: { label: 'sig-b25', keyId: 'test-shared-secret', alg: 'hmac-sha256', created: B2_CREATED },
    })
    expect(result.ok && result.value.signatureBase).toBe(B25_SIGNATURE_BASE)
  })

  it('B.2.6: the ed25519 signature verifies', async () => {
    const result = await verifyVector(B26_SIGNATURE_INPUT, B26_SIGNATURE)
    expect(result).toMatchObject({
      ok: true,
      value: { label: 'sig-b26', keyId: 'test-key-ed25519', alg: 'ed25519' },
    })
    expect(result.ok && result.value.signatureBaseHash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('B.2.4: the ecdsa-p256-sha256 signature verifies over its base (raw r || s)', () => {
    const key: HttpSignatureKey = {
      alg: 'ecdsa-p256-sha256',
      publicKey: rawPublicKey(TEST_KEY_ECC_P256_PUBLIC_PEM),
    }
    const base = new TextEncoder().encode(B24_SIGNATURE_BASE)
    const signature = new Uint8Array(Buffer.from(B24_SIGNATURE, 'base64'))
    expect(verifySignatureBytes(key, base, signature)).toBe(true)
    expect(verifySignatureBytes(key, new TextEncoder().encode(`${B24_SIGNATURE_BASE} `), signature)).toBe(
      false,
    )
  })

  it('a vector one second past the window is refused, at the boundary it passes', async () => {
    expect((await verifyVector(B26_SIGNATURE_INPUT, B26_SIGNATURE, (B2_CREATED + 30) * 1000)).ok).toBe(true)
    expect(await verifyVector(B26_SIGNATURE_INPUT, B26_SIGNATURE, (B2_CREATED + 31) * 1000)).toEqual({
      ok: false,
      reason: 'signature_too_old',
    })
  })
})
