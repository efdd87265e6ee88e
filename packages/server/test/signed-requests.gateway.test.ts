import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type SignedIn, signedIn, useSignedInServer } from './support/api-keys.js'
import { expectProblem } from './support/problem.js'
import {
  contentDigestOf,
  type PeerKey,
  registerSignedKey,
  sendSigned,
  signedRequest,
  signHeaders,
} from './support/signed-requests.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { startUpstream, type Upstream } from './support/upstream-server.js'

const ORDER = JSON.stringify({ market: 'BTC-USD', side: 'buy', size: '1' })

/**
 * Signed requests where the request is a gateway's: the reverse-proxy mode (the body is checked
 * against the signed Content-Digest before a byte reaches the upstream) and the verify endpoint
 * (the original method, URI and authority the proxy states; no body there).
 */
describe('signed requests through the reverse proxy (upstreamUrl)', () => {
  let upstream: Upstream
  let server: TestServer
  let owner: SignedIn
  let key: PeerKey
  // Hooks after a test run last-registered first: the server closes before its upstream.
  beforeEach(async () => {
    upstream = await startUpstream()
  })
  afterEach(() => upstream.close())
  useSignedInServer(
    (started) => ({ server, owner } = started),
    () => startTestServer({ upstreamUrl: upstream.url }),
  )
  beforeEach(async () => {
    key = await registerSignedKey(server, owner, { scope: 'trade' })
  })

  it('default: a signed POST with its Content-Digest reaches the upstream with its body and the signed identity', async () => {
    const response = await signedRequest(server, key, {
      method: 'POST',
      target: '/orders?dry=1',
      body: ORDER,
    })
    expect(response.statusCode).toBe(200)
    expect(upstream.received).toHaveLength(1)
    const received = upstream.received[0]!
    expect(received.body).toBe(ORDER)
    expect(received.headers).toMatchObject({
      'x-sigil-account': owner.accountId,
      'x-sigil-credential': 'api_key_signed',
      'x-sigil-key-id': key.id,
    })
  })

  it('attack: a swapped body (the signed digest no longer matches) is refused and nothing reaches the upstream', async () => {
    const headers = await signHeaders(server, key, { method: 'POST', target: '/orders', body: ORDER })
    const swapped = ORDER.replace('"1"', '"100"')
    const response = await sendSigned(server, headers, { method: 'POST', target: '/orders', body: swapped })
    expectProblem(response, 401, 'CONTENT_DIGEST_MISMATCH')
    // A digest header replaced to match the new body breaks the signature instead.
    const forged = await sendSigned(server, headers, {
      method: 'POST',
      target: '/orders',
      body: swapped,
      headers: { 'content-digest': await contentDigestOf(swapped) },
    })
    expectProblem(forged, 401, 'HTTP_SIGNATURE_INVALID')
    expect(upstream.received).toHaveLength(0)
  })

  it('attack: a request with a body whose signature does not cover content-digest is refused (400)', async () => {
    const headers = await signHeaders(server, key, { method: 'POST', target: '/orders' })
    const response = await sendSigned(server, headers, {
      method: 'POST',
      target: '/orders',
      body: ORDER,
      headers: { 'content-type': 'application/json' },
    })
    expectProblem(response, 400, 'HTTP_SIGNATURE_COMPONENTS_MISSING')
    expect(upstream.received).toHaveLength(0)
  })

  it('attack: a malformed Content-Digest is 400, an unsupported algorithm in it too', async () => {
    for (const digest of ['sha-256=not-base64', 'md5=:AAAA:']) {
      const headers = await signHeaders(server, key, {
        method: 'POST',
        target: '/orders',
        body: ORDER,
        headers: { 'content-digest': digest },
      })
      const response = await sendSigned(server, headers, { method: 'POST', target: '/orders', body: ORDER })
      expectProblem(response, 400, 'HTTP_SIGNATURE_MALFORMED', {
        fields: { detail: 'invalid_content_digest' },
      })
    }
    expect(upstream.received).toHaveLength(0)
  })

  it('attack: a read key cannot trade through the proxy, signed or not', async () => {
    const read = await registerSignedKey(server, owner, { scope: 'read' })
    const response = await signedRequest(server, read, { method: 'POST', target: '/orders', body: ORDER })
    expectProblem(response, 403, 'SCOPE_MISSING')
    expect(upstream.received).toHaveLength(0)
  })
})

describe('signed requests behind a front proxy: the authority the client addressed', () => {
  it('attack: X-Forwarded-Host counts only from a trustedProxies peer; otherwise the Host received is the authority', async () => {
    for (const [flags, status] of [
      [{ trustedProxies: ['127.0.0.1'] }, 200],
      [{}, 401],
    ] as const) {
      const server = await startTestServer(flags)
      try {
        const key = await registerSignedKey(server, await signedIn(server))
        // The client signed app.example; the balancer reached Sigil as internal:8080.
        const headers = await signHeaders(server, key, { host: 'app.example' })
        const response = await sendSigned(server, headers, {
          headers: { host: 'internal:8080', 'x-forwarded-host': 'app.example' },
        })
        expect(response.statusCode).toBe(status)
      } finally {
        await server.close()
      }
    }
  })
})

describe('signed requests at the verify endpoint (/v1/verify, forward auth)', () => {
  let server: TestServer
  let owner: SignedIn
  let key: PeerKey
  useSignedInServer((started) => ({ server, owner } = started))
  beforeEach(async () => {
    key = await registerSignedKey(server, owner, { scope: 'trade' })
  })

  /** What a proxy's auth sub-request carries: the client's headers and the original method and URI. */
  const subRequest = (headers: Record<string, string>, method: string, uri: string) =>
    server.app.inject({
      method: 'GET',
      url: '/v1/verify',
      headers: { ...headers, 'x-forwarded-method': method, 'x-forwarded-uri': uri },
    })

  it('default: the original method, URI and authority are what is verified; the body digest is not checked here', async () => {
    // The client signed a POST with a body; the proxy asks without the body.
    const headers = await signHeaders(server, key, { method: 'POST', target: '/orders?x=1', body: ORDER })
    const response = await subRequest(headers, 'POST', '/orders?x=1')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ access: 'granted', accountId: owner.accountId })
    expect(response.headers['x-sigil-credential']).toBe('api_key_signed')
  })

  it('attack: another original method or URI than the signed one does not verify; a replay is refused', async () => {
    const headers = await signHeaders(server, key, { method: 'GET', target: '/orders?x=1' })
    expectProblem(await subRequest(headers, 'DELETE', '/orders?x=1'), 401, 'HTTP_SIGNATURE_INVALID')
    expectProblem(await subRequest(headers, 'GET', '/orders?x=2'), 401, 'HTTP_SIGNATURE_INVALID')
    expect((await subRequest(headers, 'GET', '/orders?x=1')).statusCode).toBe(200)
    expectProblem(await subRequest(headers, 'GET', '/orders?x=1'), 401, 'HTTP_SIGNATURE_REPLAYED')
  })
})
