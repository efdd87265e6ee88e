import { createLocalJWKSet, jwtVerify } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestServer, TEST_PUBLIC_URL, type TestServer } from './support/test-server.js'
import { newWallet, signedSiwe, signIn } from './support/wallet.js'

describe('POST /v1/auth/siwe: sign-in succeeds', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  it('default: nonce, viem-built message, personal_sign → tokens, account and /me', async () => {
    const wallet = newWallet()
    const nonce = await server.app.inject({ method: 'POST', url: '/v1/auth/nonce', payload: {} })
    expect(nonce.statusCode).toBe(200)
    expect(nonce.headers['cache-control']).toBe('no-store')
    expect(nonce.json()).toMatchObject({ domain: 'app.example', uri: TEST_PUBLIC_URL, chainIds: [1] })
    expect(nonce.json().nonce).toMatch(/^[0-9a-f]{32}$/)

    const response = await signIn(server.app, wallet, server.clock.now())
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const body = response.json()
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 300, refreshExpiresIn: 2_592_000 })
    expect(body.account.address).toBe(wallet.address)
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/)

    const me = await server.app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${body.accessToken}` },
    })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({ account: body.account, scopes: ['read', 'trade', 'account'] })
  })

  it('behavior: the access token verifies against the published JWKS with an independent verifier', async () => {
    const body = (await signIn(server.app, newWallet(), server.clock.now())).json()
    const jwks = (await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).not.toHaveProperty('d')
    const { payload, protectedHeader } = await jwtVerify(body.accessToken, createLocalJWKSet(jwks), {
      issuer: TEST_PUBLIC_URL,
      audience: TEST_PUBLIC_URL,
      typ: 'at+jwt',
      currentDate: new Date(server.clock.now()),
    })
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: jwks.keys[0].kid })
    expect(payload).toMatchObject({ sub: body.account.id, scope: 'read trade account', client_id: 'native' })
    expect(payload.exp! - payload.iat!).toBe(300)
    expect(typeof payload.sid).toBe('string')
    expect(typeof payload.jti).toBe('string')
  })

  it('behavior: the same wallet signing in twice keeps one account, with two sessions', async () => {
    const wallet = newWallet()
    const first = (await signIn(server.app, wallet, server.clock.now())).json()
    const second = (await signIn(server.app, wallet, server.clock.now())).json()
    expect(second.account.id).toBe(first.account.id)
    expect(second.refreshToken).not.toBe(first.refreshToken)
  })

  it('behavior: an address-bound nonce works for its own wallet', async () => {
    const wallet = newWallet()
    const nonce = (
      await server.app.inject({
        method: 'POST',
        url: '/v1/auth/nonce',
        payload: { address: wallet.address.toLowerCase() },
      })
    ).json().nonce
    const { message, signature } = await signedSiwe(wallet, { nonce, statement: null }, server.clock.now())
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/siwe',
      payload: { message, signature },
    })
    expect(response.statusCode).toBe(200)
  })

  it.each(['ES384', 'EdDSA'])('parameters: jwtAlgorithm %s signs tokens that /me accepts', async (alg) => {
    const other = await startTestServer({ jwtAlgorithm: alg })
    try {
      const body = (await signIn(other.app, newWallet(), other.clock.now())).json()
      const jwks = (await other.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()
      expect(jwks.keys[0].alg).toBe(alg)
      const me = await other.app.inject({
        method: 'GET',
        url: '/v1/auth/me',
        headers: { authorization: `Bearer ${body.accessToken}` },
      })
      expect(me.statusCode).toBe(200)
    } finally {
      await other.close()
    }
  })
})

describe('POST /v1/auth/nonce: input', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  it('behavior: a POST with no body at all is the same as {}', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/v1/auth/nonce' })
    expect(response.statusCode).toBe(200)
    expect(response.json().nonce).toMatch(/^[0-9a-f]{32}$/)
  })

  it('error: a text/plain body is 415; a mixed-case address with a wrong checksum is 400', async () => {
    const text = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/nonce',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    })
    expect([text.statusCode, text.json().code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE'])
    const address = newWallet().address
    const flipped = address.replace(/[a-f]/, (c) => c.toUpperCase())
    const bad = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/nonce',
      payload: { address: flipped },
    })
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'VALIDATION_FAILED'])
    for (const ok of [address, address.toLowerCase()]) {
      expect(
        (await server.app.inject({ method: 'POST', url: '/v1/auth/nonce', payload: { address: ok } }))
          .statusCode,
      ).toBe(200)
    }
  })

  it('error: a malformed URL gets a problem document, not a framework error', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/%' })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' })
  })
})
