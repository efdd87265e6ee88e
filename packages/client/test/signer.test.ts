/**
 * `@sigil/client/signer` without a server: what the client puts on the wire (captured by a fetch
 * stand-in) must verify with the server's own `verifyHttpSignature`, for the noble signer (JWK or
 * raw bytes) and the WebCrypto one. The real server is in signed-requests.e2e.test.ts.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import {
  type HttpSignatureKey,
  SIGIL_REQUIRED_COMPONENTS,
  type SignedRequest,
  verifyHttpSignature,
} from '@sigil/protocol/http-signatures'
import { describe, expect, it } from 'vitest'
import { createSigilClient, type FetchLike, type SigilError } from '../src/index.js'
import {
  createRequestSigner,
  createWebCryptoRequestSigner,
  generateRequestSigningKey,
  type JwkLike,
  type PublicSigningJwk,
  publicJwkOf,
} from '../src/signer/index.js'

type SigningKey = Parameters<typeof crypto.subtle.sign>[1]

const NOW = 1_760_000_000_000
const BASE_URL = 'https://auth.venue.example/sigil'

interface Captured {
  url: string
  init: RequestInit
}

/** A fetch that records each request and answers 200 `{}`. */
function recordingFetch(): { fetch: FetchLike; requests: Captured[] } {
  const requests: Captured[] = []
  const fetch: FetchLike = async (url, init) => {
    requests.push({ url, init })
    return new Response('{"apiKeys":[]}', { status: 200, headers: { 'content-type': 'application/json' } })
  }
  return { fetch, requests }
}

/** A client at `BASE_URL` on the clock `NOW`, signing with `signer`; `requests` is what it sent. */
function signingClient(signer: NonNullable<Parameters<typeof createSigilClient>[0]['signer']>) {
  const { fetch, requests } = recordingFetch()
  return { sigil: createSigilClient({ baseUrl: BASE_URL, fetch, now: () => NOW, signer }), requests }
}

function verifyKeyOf(jwk: PublicSigningJwk): HttpSignatureKey {
  const raw = createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'der', type: 'spki' })
  return jwk.kty === 'OKP'
    ? { alg: 'ed25519', publicKey: raw.subarray(-32) }
    : { alg: 'ecdsa-p256-sha256', publicKey: raw.subarray(-65) }
}

/** Verifies a captured request as the server would see it. */
function verifyCaptured(captured: Captured, keyId: string, key: HttpSignatureKey, now = NOW) {
  const url = new URL(captured.url)
  const body =
    typeof captured.init.body === 'string' ? new TextEncoder().encode(captured.init.body) : new Uint8Array()
  const request: SignedRequest = {
    method: captured.init.method ?? 'GET',
    scheme: 'https',
    authority: url.host,
    target: `${url.pathname}${url.search}`,
    headers: captured.init.headers as Record<string, string>,
    body,
  }
  return verifyHttpSignature({
    request,
    resolveKey: (id) => (id === keyId ? key : undefined),
    now,
    maxAgeSeconds: 30,
    clockSkewSeconds: 5,
    requiredComponents: SIGIL_REQUIRED_COMPONENTS,
  })
}

describe('createSigilClient({ signer })', () => {
  it.each(['ed25519', 'ecdsa-p256-sha256'] as const)(
    '%s JWK: every call is signed, a body is digested, no bearer and no x-api-key is sent',
    async (alg) => {
      const { privateKey, publicKey } = generateRequestSigningKey(alg)
      const { sigil, requests } = signingClient(createRequestSigner({ keyId: 'key_1', privateKey }))
      await sigil.apiKeys.list()
      await sigil.redeemInvite('INVITE-1')
      expect(requests).toHaveLength(2)
      for (const captured of requests) {
        const headers = captured.init.headers as Record<string, string>
        expect(headers.authorization).toBeUndefined()
        expect(headers['x-api-key']).toBeUndefined()
        const verified = await verifyCaptured(captured, 'key_1', verifyKeyOf(publicKey))
        expect(verified).toMatchObject({ ok: true, value: { keyId: 'key_1', alg, created: NOW / 1000 } })
      }
      const [get, post] = requests
      expect((get!.init.headers as Record<string, string>)['content-digest']).toBeUndefined()
      expect(post!.init.body).toBe('{"code":"INVITE-1"}')
      const postCovered = await verifyCaptured(post!, 'key_1', verifyKeyOf(publicKey))
      expect(postCovered.ok && postCovered.value.coveredComponents).toContain('content-digest')
      // The path under the base URL's prefix is what is signed.
      expect(postCovered.ok && postCovered.value.signatureBase).toContain(
        '"@path": /sigil/v1/auth/redeem-invite',
      )
    },
  )

  it('two identical calls in the same second carry different nonces (the replay cache keeps both apart)', async () => {
    const { privateKey, publicKey } = generateRequestSigningKey()
    const { sigil, requests } = signingClient(createRequestSigner({ keyId: 'k', privateKey }))
    await sigil.apiKeys.list()
    await sigil.apiKeys.list()
    const results = await Promise.all(requests.map((r) => verifyCaptured(r, 'k', verifyKeyOf(publicKey))))
    const hashes = results.map((r) => (r.ok ? r.value.signatureBaseHash : r.reason))
    expect(new Set(hashes).size).toBe(2)
    expect(
      results.every((r) => r.ok && typeof r.value.nonce === 'string' && r.value.nonce.length >= 22),
    ).toBe(true)
  })

  it('raw key bytes with alg, and nonce: false (then two calls in one second are the same base)', async () => {
    const pair = generateKeyPairSync('ed25519')
    const d = Buffer.from(pair.privateKey.export({ format: 'jwk' }).d ?? '', 'base64url')
    const { sigil, requests } = signingClient(
      createRequestSigner({ keyId: 'k', privateKey: new Uint8Array(d), alg: 'ed25519', nonce: false }),
    )
    await sigil.apiKeys.list()
    await sigil.apiKeys.list()
    const key: HttpSignatureKey = {
      alg: 'ed25519',
      publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32),
    }
    const [a, b] = await Promise.all(requests.map((r) => verifyCaptured(r, 'k', key)))
    expect(a?.ok && b?.ok && a.value.signatureBaseHash === b.value.signatureBaseHash).toBe(true)
    expect(a?.ok && a.value.nonce).toBeUndefined()
  })

  it('a non-extractable WebCrypto key (Ed25519 and ECDSA P-256) signs what the server verifies', async () => {
    for (const algorithm of [{ name: 'Ed25519' }, { name: 'ECDSA', namedCurve: 'P-256' }]) {
      const pair = (await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify'])) as {
        privateKey: SigningKey
        publicKey: SigningKey
      }
      const jwk = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as PublicSigningJwk
      const { sigil, requests } = signingClient(
        createWebCryptoRequestSigner({ keyId: 'wc', privateKey: pair.privateKey }),
      )
      await sigil.redeemInvite('X')
      expect(await verifyCaptured(requests[0]!, 'wc', verifyKeyOf(jwk))).toMatchObject({ ok: true })
    }
  })

  it("the signature is bound to the client's clock: 31 s later the server refuses it as too old", async () => {
    const { privateKey, publicKey } = generateRequestSigningKey()
    const { sigil, requests } = signingClient(createRequestSigner({ keyId: 'k', privateKey }))
    await sigil.apiKeys.list()
    expect(await verifyCaptured(requests[0]!, 'k', verifyKeyOf(publicKey), NOW + 31_000)).toEqual({
      ok: false,
      reason: 'signature_too_old',
    })
  })

  it('refuses apiKey and signer together', () => {
    const signer = createRequestSigner({ keyId: 'k', privateKey: generateRequestSigningKey().privateKey })
    expect(() => createSigilClient({ baseUrl: BASE_URL, apiKey: 'sk_x', signer })).toThrow(TypeError)
  })
})

describe('signing keys', () => {
  const code = (fn: () => unknown) => {
    try {
      fn()
    } catch (error) {
      return (error as SigilError).code
    }
    return 'no error'
  }

  it('generateRequestSigningKey: the private JWK is one node:crypto reads, and its public half is publicJwkOf', () => {
    for (const alg of ['ed25519', 'ecdsa-p256-sha256'] as const) {
      const { privateKey, publicKey } = generateRequestSigningKey(alg)
      const viaNode = createPublicKey({ key: privateKey, format: 'jwk' }).export({ format: 'jwk' })
      expect(viaNode).toEqual(publicKey)
      expect(publicJwkOf(privateKey)).toEqual(publicKey)
      expect(publicJwkOf({ ...privateKey, x: undefined, y: undefined } as JwkLike)).toEqual(publicKey)
    }
  })

  it('refuses a JWK that is public only, of another type, mismatched, or not canonical base64url', () => {
    const { privateKey, publicKey } = generateRequestSigningKey()
    const other = generateRequestSigningKey().publicKey
    const signerFor = (jwk: unknown, alg?: 'ecdsa-p256-sha256') => () =>
      createRequestSigner({ keyId: 'k', privateKey: jwk as JwkLike, ...(alg ? { alg } : {}) })
    expect(code(signerFor(publicKey))).toBe('INVALID_SIGNING_KEY')
    expect(code(signerFor({ ...privateKey, x: other.x }))).toBe('INVALID_SIGNING_KEY')
    expect(code(signerFor({ ...privateKey, crv: 'Ed448' }))).toBe('INVALID_SIGNING_KEY')
    expect(code(signerFor({ kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'AQAB' }))).toBe('INVALID_SIGNING_KEY')
    expect(code(signerFor({ ...privateKey, d: `${privateKey.d}=` }))).toBe('INVALID_SIGNING_KEY')
    expect(code(signerFor({ ...privateKey, d: privateKey.d.slice(0, -1) }))).toBe('INVALID_SIGNING_KEY')
    expect(code(signerFor(privateKey, 'ecdsa-p256-sha256'))).toBe('INVALID_SIGNING_KEY')
    expect(code(() => createRequestSigner({ keyId: 'k', privateKey: new Uint8Array(32) }))).toBe(
      'INVALID_SIGNING_KEY',
    )
    expect(code(signerFor(privateKey))).toBe('no error')
  })

  it('refuses a WebCrypto key that cannot sign Sigil requests', async () => {
    const hmacKey = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const p384 = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, [
      'sign',
      'verify',
    ])) as { privateKey: SigningKey; publicKey: SigningKey }
    const make = (privateKey: SigningKey) => () => createWebCryptoRequestSigner({ keyId: 'k', privateKey })
    expect(code(make(hmacKey))).toBe('INVALID_SIGNING_KEY')
    expect(code(make(p384.privateKey))).toBe('INVALID_SIGNING_KEY')
    expect(code(make(p384.publicKey))).toBe('INVALID_SIGNING_KEY')
  })
})
