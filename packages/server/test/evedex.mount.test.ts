import { Wallet } from 'ethers'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { EVEDEX_DEMO_CHAIN_ID, evedexApi, signUpBody } from './support/evedex-client.js'
import { startTestServer, type TestServer } from './support/test-server.js'

/** Where the dialect is mounted, what its SIWE binds to, and the EVEDEX body of every error under it. */
describe('EVEDEX dialect: mounting, binding and error bodies', () => {
  let server: TestServer
  afterEach(() => server.close())

  const start = async (flags: Record<string, unknown> = {}) => {
    server = await startTestServer({ publicUrl: 'https://app.example', ...flags })
    return evedexApi(server.app, (flags['evedex.prefix'] as string | undefined) ?? '/evedex')
  }

  async function signUp(
    api: ReturnType<typeof evedexApi>,
    fields: { domain?: string; uri?: string; chainId?: number },
  ) {
    return api.signUp(await signUpBody(Wallet.createRandom(), await api.nonce(), server.clock.now(), fields))
  }

  it("default: the SIWE binding is the public URL's host and origin, on chains 161803 and 16182", async () => {
    const api = await start()
    expect((await signUp(api, {})).statusCode).toBe(200)
    expect((await signUp(api, { chainId: EVEDEX_DEMO_CHAIN_ID })).statusCode).toBe(200)
    expect((await signUp(api, { domain: 'evedex.com', uri: 'https://evedex.com' })).json().code).toBe(
      'DOMAIN_MISMATCH',
    )
  })

  it("behavior: configured domain, URI and chains: EVEDEX's own SDK message (evedex.com) signs in", async () => {
    const api = await start({
      'evedex.siweDomain': 'evedex.com',
      'evedex.siweUri': 'https://evedex.com',
      'evedex.chainIds': [16182],
    })
    expect(
      (await signUp(api, { domain: 'evedex.com', uri: 'https://evedex.com', chainId: 16182 })).statusCode,
    ).toBe(200)
    expect((await signUp(api, { domain: 'evedex.com', uri: 'https://evedex.com' })).json().code).toBe(
      'CHAIN_NOT_ALLOWED',
    )
    expect((await signUp(api, { chainId: 16182 })).json().code).toBe('DOMAIN_MISMATCH')
  })

  it('behavior: prefix "" mounts the dialect at the root; unknown root paths keep the native 404', async () => {
    const api = await start({ 'evedex.prefix': '' })
    expect((await signUp(api, {})).statusCode).toBe(200)
    const missing = await server.app.inject({ method: 'GET', url: '/auth/nope' })
    expect(missing.statusCode).toBe(404)
    expect(missing.headers['content-type']).toContain('application/problem+json')
    expect((await server.app.inject({ method: 'GET', url: '/evedex/auth/nonce' })).statusCode).toBe(404)
  })

  it('behavior: another prefix, or the dialect switched off', async () => {
    const api = await start({ 'evedex.prefix': '/exchange/v2' })
    expect((await signUp(api, {})).statusCode).toBe(200)
    await server.close()
    await start({ dialects: ['ocx'] })
    expect((await server.app.inject({ method: 'GET', url: '/evedex/auth/nonce' })).statusCode).toBe(404)
  })

  it('error: an unknown path under the prefix → 404 in the EVEDEX body', async () => {
    const api = await start()
    const response = await api.send('GET', '/auth/nope')
    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({
      statusCode: 404,
      message: 'No such route',
      error: 'Not Found',
      code: 'NOT_FOUND',
    })
  })

  it('error: over the sign-in budget → 429 in the EVEDEX body with Retry-After; no nonce minted', async () => {
    const api = await start({ rateLimitSignInPerMinute: 2 })
    await api.nonce()
    await api.nonce()
    const issue = vi.spyOn(server.gateway.signIn('evedex'), 'issueNonce')
    const limited = await api.send('GET', '/auth/nonce')
    expect(limited.statusCode).toBe(429)
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(limited.json()).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      code: 'RATE_LIMITED',
    })
    expect(issue).not.toHaveBeenCalled()
  })

  it('error: bad JSON 400, a text body 415, a huge body 413, all in the EVEDEX body', async () => {
    await start({ bodyLimitBytes: 4096 })
    const post = (payload: string, contentType = 'application/json') =>
      server.app.inject({
        method: 'POST',
        url: '/evedex/auth/user/sign-up',
        headers: { 'content-type': contentType },
        payload,
      })
    expect((await post('{"wallet":')).json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' })
    expect((await post('{}', 'text/plain')).json()).toMatchObject({
      statusCode: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    })
    const huge = await post(JSON.stringify({ message: 'x'.repeat(5000) }))
    expect(huge.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' })
    expect((await post('{"__proto__":{"x":1}}')).statusCode).toBe(400)
  })

  it('error: an outage is a 500 that says nothing more', async () => {
    const api = await start()
    vi.spyOn(server.gateway.signIn('evedex'), 'issueNonce').mockRejectedValue(new Error('database is down'))
    const response = await api.send('GET', '/auth/nonce')
    expect(response.statusCode).toBe(500)
    expect(response.json()).toEqual({
      statusCode: 500,
      message: 'Internal error',
      error: 'Internal Server Error',
      code: 'INTERNAL_ERROR',
    })
  })
})
