import { afterEach, describe, expect, it } from 'vitest'
import { AUTH_ERROR_CODES } from '../src/core/errors.js'
import { ocxError } from '../src/http/dialects/ocx/errors.js'
import { errorCatalog } from '../src/http/error-catalog.js'
import { cookieSession } from './support/cookie-session.js'
import { OCX_COOKIE, OCX_ORIGIN, ocxClient, ocxSignIn } from './support/ocx-client.js'
import { nonceCount, startTestServer, type TestServer } from './support/test-server.js'
import { newWallet } from './support/wallet.js'

describe('OCX errors: the table', () => {
  it("behavior: OCX's three sign-in codes carry OCX's statuses; every other code keeps its native status", () => {
    const ocxCodes = { INVALID_SIWE_MESSAGE: 400, NONCE_MISMATCH: 400, INVALID_SIGNATURE: 401 } as Record<
      string,
      number
    >
    for (const code of AUTH_ERROR_CODES) {
      const [status, body] = ocxError(code)
      expect(Object.keys(body)).toEqual(['error', 'message'])
      expect([code, status]).toEqual([code, ocxCodes[body.error] ?? errorCatalog[code][0]])
      if (!(body.error in ocxCodes)) expect(body.error).toBe(code)
    }
  })

  it('behavior: the precise reason survives in the message', () => {
    expect(ocxError('NONCE_USED')[1]).toEqual({
      error: 'NONCE_MISMATCH',
      message: 'The nonce has already been used',
    })
    expect(ocxError('DOMAIN_MISMATCH', 'domain_mismatch')[1].message).toBe(
      'The message is for another domain (domain_mismatch)',
    )
  })
})

describe('OCX errors on the wire', () => {
  let server: TestServer
  afterEach(() => server.close())

  it('error: past the sign-in budget, 429 RATE_LIMITED with Retry-After, retryAfterMs and the rate-limit headers; no nonce minted', async () => {
    server = await startTestServer({ rateLimitSignInPerMinute: 2 })
    const client = ocxClient(server.app)
    const wallet = newWallet()
    const first = await client.nonce(wallet.address)
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' })
    await client.nonce(wallet.address)
    const denied = await client.nonce(wallet.address)
    expect(denied.statusCode).toBe(429)
    const retryAfter = Number(denied.headers['retry-after'])
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(denied.json()).toEqual({
      error: 'RATE_LIMITED',
      message: 'Too many requests',
      retryAfterMs: retryAfter * 1000,
    })
    expect(denied.headers['x-ratelimit-remaining']).toBe('0')
    expect(denied.headers.ratelimit).toMatch(/^"sign-in";r=0;t=\d+$/)
    expect(nonceCount(server)).toBe(2)
    const siwe = await client.siwe('x', '0x')
    expect([siwe.statusCode, siwe.json().error]).toEqual([429, 'RATE_LIMITED'])
  })

  it('error: an unknown path under the prefix is 404 NOT_FOUND in the OCX body', async () => {
    server = await startTestServer()
    const response = await server.app.inject({ method: 'GET', url: '/ocx/perps/markets' })
    expect([response.statusCode, response.json()]).toEqual([
      404,
      { error: 'NOT_FOUND', message: 'No such route' },
    ])
  })

  it('error: a body that is not JSON is 415, and broken JSON 400, both in the OCX body', async () => {
    server = await startTestServer()
    const text = await server.app.inject({
      method: 'POST',
      url: '/ocx/auth/nonce',
      headers: { 'content-type': 'text/plain' },
      payload: 'walletAddress=0x',
    })
    expect([text.statusCode, text.json().error]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE'])
    const broken = await server.app.inject({
      method: 'POST',
      url: '/ocx/auth/nonce',
      headers: { 'content-type': 'application/json' },
      payload: '{"walletAddress":',
    })
    expect([broken.statusCode, broken.json().error]).toEqual([400, 'VALIDATION_FAILED'])
  })

  it('behavior: ocx.prefix "" mounts OCX at the root, as the venue serves it; the native API is unchanged', async () => {
    server = await startTestServer({ 'ocx.prefix': '' })
    const client = ocxClient(server.app, { prefix: '', headers: OCX_ORIGIN })
    const wallet = newWallet()
    const { response } = await ocxSignIn(client, wallet, server.clock.now())
    expect(response.json().walletAddress).toBe(wallet.address)
    expect((await client.me()).json().walletAddress).toBe(wallet.address)
    expect((await server.app.inject({ method: 'POST', url: '/ocx/auth/nonce' })).statusCode).toBe(404)
    expect((await server.app.inject({ method: 'POST', url: '/v1/auth/nonce', payload: {} })).statusCode).toBe(
      200,
    )
  })

  it('behavior: with OCX left out of dialects, neither its routes nor its cookie exist', async () => {
    server = await startTestServer({ dialects: ['evedex'] })
    expect(
      (await server.app.inject({ method: 'POST', url: '/ocx/auth/nonce', payload: {} })).statusCode,
    ).toBe(404)
    const { value } = await cookieSession(server.app, newWallet(), server.clock.now())
    const me = await server.app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      cookies: { [OCX_COOKIE]: value },
    })
    expect([me.statusCode, me.json().code]).toEqual([401, 'CREDENTIAL_MISSING'])
  })
})
