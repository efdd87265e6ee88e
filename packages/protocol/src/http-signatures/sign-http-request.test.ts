/**
 * `signHttpRequest` checked three ways: byte for byte against RFC 9421's deterministic vectors
 * (B.2.5 HMAC, B.2.6 Ed25519), round trip through our own `verifyHttpSignature`, and verified by an
 * independent implementation (dhensby's `http-message-signatures`, on node:crypto).
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { createVerifier, httpbis } from 'http-message-signatures'
import { describe, expect, it } from 'vitest'
import { createHttpRequestSigner } from './create-http-request-signer.js'
import type { HttpRequestSigner } from './http-request-signer.js'
import {
  B2_CREATED,
  B25_SIGNATURE,
  B25_SIGNATURE_BASE,
  B25_SIGNATURE_INPUT,
  B26_SIGNATURE,
  B26_SIGNATURE_BASE,
  B26_SIGNATURE_INPUT,
  TEST_KEY_ED25519_PRIVATE_PEM,
  TEST_SHARED_SECRET_BASE64,
  testRequest,
} from './rfc9421-vectors.fixtures.js'
import { type SignHttpRequestOptions, signHttpRequest } from './sign-http-request.js'
import type { HttpSignatureAlgorithm, HttpSignatureKey } from './signature-algorithms.js'
import type { SignedRequest } from './signed-request.js'
import { SIGIL_REQUIRED_COMPONENTS, verifyHttpSignature } from './verify-http-signature.js'

const NOW_SECONDS = 1_760_000_000
const BODY = '{"symbol":"BTC-USD","side":"buy","size":"1"}'
const URL_WITH_QUERY = 'https://api.sigil.test/v1/orders?venue=evedex&dry=1'

interface TestKey {
  signer: HttpRequestSigner
  verifyKey: HttpSignatureKey
  /** For the peer library's verifier. */
  peerKey: KeyObject | Buffer
}

function testKey(alg: HttpSignatureAlgorithm, keyId = `key-${alg}`): TestKey {
  let privateKey: Uint8Array
  let verifyKey: HttpSignatureKey
  let peerKey: KeyObject | Buffer
  if (alg === 'hmac-sha256') {
    privateKey = crypto.getRandomValues(new Uint8Array(32))
    verifyKey = { alg, secret: privateKey }
    peerKey = Buffer.from(privateKey)
  } else {
    const pair =
      alg === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const jwk = pair.privateKey.export({ format: 'jwk' })
    privateKey = Buffer.from(jwk.d ?? '', 'base64url')
    const x = Buffer.from(jwk.x ?? '', 'base64url')
    const publicKey =
      alg === 'ed25519' ? x : Buffer.concat([Buffer.from([4]), x, Buffer.from(jwk.y ?? '', 'base64url')])
    verifyKey = { alg, publicKey } as HttpSignatureKey
    peerKey = pair.publicKey
  }
  const signer = createHttpRequestSigner({ keyId, alg, privateKey })
  if (!signer.ok) throw new Error(signer.reason)
  return { signer: signer.value, verifyKey, peerKey }
}

async function sign(options: Partial<SignHttpRequestOptions> & Pick<SignHttpRequestOptions, 'signer'>) {
  const result = await signHttpRequest({
    method: 'POST',
    url: URL_WITH_QUERY,
    headers: { 'content-type': 'application/json' },
    body: BODY,
    created: NOW_SECONDS,
    ...options,
  })
  if (!result.ok) throw new Error(result.reason)
  return result.value
}

/** The request as a server's transport hands it to the verifier. */
function received(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | null,
): SignedRequest {
  const parsed = new URL(url)
  return {
    method,
    scheme: parsed.protocol === 'http:' ? 'http' : 'https',
    authority: parsed.host,
    target: parsed.href.slice(parsed.origin.length).split('#')[0]!,
    headers,
    body: body === null ? new Uint8Array() : new TextEncoder().encode(body),
  }
}

const verify = (key: TestKey, request: SignedRequest, now = NOW_SECONDS * 1000) =>
  verifyHttpSignature({
    request,
    resolveKey: (keyId) => (keyId === key.signer.keyId ? key.verifyKey : undefined),
    now,
    maxAgeSeconds: 30,
    clockSkewSeconds: 5,
    requiredComponents: SIGIL_REQUIRED_COMPONENTS,
  })

describe('signHttpRequest: RFC 9421 Appendix B (deterministic vectors)', () => {
  const vectorRequest = testRequest()
  const url = `https://${vectorRequest.authority}${vectorRequest.target}`

  const ed25519 = createPrivateKey(TEST_KEY_ED25519_PRIVATE_PEM).export({ format: 'jwk' }).d ?? ''
  it.each([
    {
      vector: 'B.2.6: the Ed25519 signature, its input and its base',
      keyId: 'test-key-ed25519',
      alg: 'ed25519' as const,
      privateKey: Buffer.from(ed25519, 'base64url'),
      label: 'sig-b26',
      components: ['date', '@method', '@path', '@authority', 'content-type', 'content-length'],
      base: B26_SIGNATURE_BASE,
      input: B26_SIGNATURE_INPUT,
      signature: B26_SIGNATURE,
    },
    {
      vector: 'B.2.5: the HMAC-SHA256 signature',
      keyId: 'test-shared-secret',
      alg: 'hmac-sha256' as const,
      privateKey: Buffer.from(TEST_SHARED_SECRET_BASE64, 'base64'),
      label: 'sig-b25',
      components: ['date', '@authority', 'content-type'],
      base: B25_SIGNATURE_BASE,
      input: B25_SIGNATURE_INPUT,
      signature: B25_SIGNATURE,
    },
  ])(
    '$vector: the RFC bytes',
    async ({ keyId, alg, privateKey, label, components, base, input, signature }) => {
      const signer = createHttpRequestSigner({ keyId, alg, privateKey })
      if (!signer.ok) throw new Error(signer.reason)
      const signed = await sign({
        signer: signer.value,
        url,
        headers: vectorRequest.headers as Record<string, string>,
        body: vectorRequest.body,
        created: B2_CREATED,
        label,
        components,
      })
      expect(signed.signatureBase).toBe(base)
      expect(signed.headers).toEqual({ 'signature-input': input, signature })
    },
  )
})

describe('signHttpRequest round trip through verifyHttpSignature', () => {
  it.each<HttpSignatureAlgorithm>(['ed25519', 'ecdsa-p256-sha256', 'hmac-sha256'])(
    '%s: a POST with a body covers the digest; the server accepts it as signed',
    async (alg) => {
      const key = testKey(alg)
      const signed = await sign({ signer: key.signer, nonce: 'n-1', includeAlg: true })
      expect(signed.headers['signature-input']).toBe(
        `sig=("@method" "@authority" "@path" "@query" "content-digest");created=${NOW_SECONDS};keyid="${key.signer.keyId}";alg="${alg}";nonce="n-1"`,
      )
      const headers = { 'content-type': 'application/json', ...signed.headers }
      const result = await verify(key, received(URL_WITH_QUERY, 'POST', headers, BODY))
      expect(result).toMatchObject({
        ok: true,
        value: { keyId: key.signer.keyId, alg, nonce: 'n-1', signatureBase: signed.signatureBase },
      })
    },
  )

  it('a GET without a body: no Content-Digest, `@query` is `?`', async () => {
    const key = testKey('ed25519')
    const url = 'https://api.sigil.test/v1/auth/me'
    const signed = await sign({ signer: key.signer, method: 'GET', url, headers: {}, body: null })
    expect(signed.headers['content-digest']).toBeUndefined()
    expect(signed.signatureBase.split('\n').slice(0, 4)).toEqual([
      '"@method": GET',
      '"@authority": api.sigil.test',
      '"@path": /v1/auth/me',
      '"@query": ?',
    ])
    expect((await verify(key, received(url, 'GET', { ...signed.headers }, null))).ok).toBe(true)
  })

  it('signs the target exactly as fetch sends it: an empty `?` kept, the fragment dropped, the port kept', async () => {
    const key = testKey('ed25519')
    const signed = await sign({
      signer: key.signer,
      method: 'GET',
      url: 'http://API.Sigil.test:8080/v1/a%2Fb/../c?#frag',
      body: null,
      components: ['@method', '@authority', '@path', '@query', '@target-uri', '@request-target'],
    })
    expect(signed.signatureBase.split('\n').slice(0, 6)).toEqual([
      '"@method": GET',
      '"@authority": api.sigil.test:8080',
      '"@path": /v1/c',
      '"@query": ?',
      '"@target-uri": http://api.sigil.test:8080/v1/c?',
      '"@request-target": /v1/c?',
    ])
    const request = received('http://api.sigil.test:8080/v1/c?', 'GET', { ...signed.headers }, null)
    expect(request.target).toBe('/v1/c?')
    expect((await verify(key, request)).ok).toBe(true)
  })

  it('a body given as bytes signs the same as the same body as text (Ed25519 is deterministic)', async () => {
    const key = testKey('ed25519')
    const asText = await sign({ signer: key.signer })
    const asBytes = await sign({ signer: key.signer, body: new TextEncoder().encode(BODY) })
    expect(asBytes).toEqual(asText)
  })

  it('what was signed cannot be moved: another body, method, path, query or authority is refused', async () => {
    const key = testKey('ecdsa-p256-sha256')
    const signed = await sign({ signer: key.signer })
    const headers = { 'content-type': 'application/json', ...signed.headers }
    const other = 'https://api.sigil.test/v1/orders?venue=evedex&dry=0'
    expect(await verify(key, received(URL_WITH_QUERY, 'POST', headers, `${BODY} `))).toEqual({
      ok: false,
      reason: 'content_digest_mismatch',
    })
    for (const [url, method] of [
      [URL_WITH_QUERY, 'PUT'],
      [other, 'POST'],
      ['https://api.sigil.test/v1/order?venue=evedex&dry=1', 'POST'],
      ['https://api2.sigil.test/v1/orders?venue=evedex&dry=1', 'POST'],
    ] as const) {
      expect(await verify(key, received(url, method, headers, BODY))).toEqual({
        ok: false,
        reason: 'bad_signature',
      })
    }
    // The same request a minute later is stale: `created` is the caller's clock, signed.
    expect(
      await verify(key, received(URL_WITH_QUERY, 'POST', headers, BODY), (NOW_SECONDS + 60) * 1000),
    ).toEqual({ ok: false, reason: 'signature_too_old' })
  })
})

describe('an independent RFC 9421 verifier accepts what signHttpRequest signs', () => {
  it.each<HttpSignatureAlgorithm>(['ed25519', 'ecdsa-p256-sha256', 'hmac-sha256'])(
    '%s (http-message-signatures)',
    async (alg) => {
      const key = testKey(alg)
      const signed = await sign({ signer: key.signer, nonce: 'peer-1', includeAlg: true })
      const request = {
        method: 'POST',
        url: URL_WITH_QUERY,
        headers: { host: 'api.sigil.test', 'content-type': 'application/json', ...signed.headers },
      }
      const verifier = createVerifier(key.peerKey, alg)
      const lookup = async () => ({ id: key.signer.keyId, algs: [alg], verify: verifier })
      expect(await httpbis.verifyMessage({ keyLookup: lookup, requiredFields: ['@method'] }, request)).toBe(
        true,
      )
      const tampered = { ...request, url: URL_WITH_QUERY.replace('dry=1', 'dry=0') }
      expect(await httpbis.verifyMessage({ keyLookup: lookup }, tampered)).toBe(false)
    },
  )
})

describe('signHttpRequest refuses what it cannot sign faithfully', () => {
  const key = testKey('ed25519')
  const refusal = async (options: Partial<SignHttpRequestOptions>) => {
    const result = await signHttpRequest({
      method: 'GET',
      url: 'https://api.sigil.test/v1/auth/me',
      created: NOW_SECONDS,
      signer: key.signer,
      ...options,
    })
    return result.ok ? 'signed' : result.reason
  }

  it.each<[string, Partial<SignHttpRequestOptions>, string]>([
    ['a relative URL', { url: '/v1/auth/me' }, 'invalid_request_target'],
    ['another scheme', { url: 'ftp://api.sigil.test/x' }, 'invalid_request_target'],
    ['credentials in the URL', { url: 'https://me:pw@api.sigil.test/x' }, 'invalid_request_target'],
    ['a fractional created', { created: NOW_SECONDS + 0.5 }, 'invalid_signature_params'],
    ['a negative created', { created: -1 }, 'invalid_signature_params'],
    ['expires not after created', { expires: NOW_SECONDS }, 'invalid_signature_params'],
    ['an empty nonce', { nonce: '' }, 'invalid_signature_params'],
    ['a non-ASCII nonce', { nonce: 'nönce' }, 'invalid_signature_params'],
    ['an over-long tag', { tag: 'x'.repeat(257) }, 'invalid_signature_params'],
    ['an upper-case label', { label: 'Sig' }, 'invalid_signature_params'],
    ['a covered header that is absent', { components: ['@method', 'date'] }, 'missing_covered_field'],
    [
      'an upper-case header name',
      { components: ['@method', 'Date'], headers: { Date: 'x' } },
      'invalid_component',
    ],
    ['a component Sigil refuses', { components: ['@method', '@query-param'] }, 'invalid_component'],
    ['a component twice', { components: ['@method', '@method'] }, 'invalid_component'],
    [
      'a header value with a line break',
      { components: ['x-a'], headers: { 'x-a': 'a\r\nb' } },
      'invalid_component',
    ],
  ])('%s', async (_, options, reason) => {
    expect(await refusal(options)).toBe(reason)
  })

  it('a signer that returns DER or any other length', async () => {
    const der: HttpRequestSigner = { keyId: 'k', alg: 'ecdsa-p256-sha256', sign: () => new Uint8Array(71) }
    expect(await refusal({ signer: der })).toBe('invalid_signature_encoding')
  })

  it('createHttpRequestSigner refuses a key of the wrong size or out of range', () => {
    const bad = (alg: HttpSignatureAlgorithm, privateKey: Uint8Array) =>
      createHttpRequestSigner({ keyId: 'k', alg, privateKey })
    const refused = { ok: false, reason: 'invalid_private_key' }
    expect(bad('ed25519', new Uint8Array(31))).toEqual(refused)
    expect(bad('ecdsa-p256-sha256', new Uint8Array(32))).toEqual(refused) // zero scalar
    expect(bad('ecdsa-p256-sha256', new Uint8Array(32).fill(0xff))).toEqual(refused) // >= n
    expect(bad('hmac-sha256', new Uint8Array(16))).toEqual(refused)
    expect(bad('rsa-pss-sha512' as HttpSignatureAlgorithm, new Uint8Array(32))).toEqual(refused)
  })

  it('copies the private key: wiping the caller buffer does not change later signatures', async () => {
    const seed = crypto.getRandomValues(new Uint8Array(32))
    const signer = createHttpRequestSigner({ keyId: 'k', alg: 'ed25519', privateKey: seed })
    if (!signer.ok) throw new Error(signer.reason)
    const before = await signer.value.sign(new Uint8Array([1]))
    seed.fill(0)
    expect(await signer.value.sign(new Uint8Array([1]))).toEqual(before)
  })
})
