import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { signatureHeader } from './support/paradex-signer.js'
import { A2 } from './support/paradex-vectors.js'
import { startTestServer, type TestServer } from './support/test-server.js'

/** Paradex at the root, as clients pointed at Sigil's host expect it, with the native API moved aside. */
describe('Paradex mounted at the root (paradex.prefix "", native.prefix /sigil)', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer({ 'paradex.prefix': '', 'native.prefix': '/sigil' })
    server.clock.set(1_700_000_060_000)
  })
  afterEach(() => server.close())

  it('behavior: /v1/* is Paradex: config, onboarding, auth; the JWT verifies on the moved native API', async () => {
    const config = await server.app.inject({ method: 'GET', url: '/v1/system/config' })
    expect(config.json()).toMatchObject({ starknet_chain_id: 'PRIVATE_SN_POTC_SEPOLIA' })

    const onboarded = await server.app.inject({
      method: 'POST',
      url: '/v1/onboarding',
      headers: {
        'paradex-starknet-account': A2.account,
        'paradex-starknet-signature': signatureHeader(A2.onboarding),
        'content-type': 'application/json',
      },
      payload: JSON.stringify({ public_key: A2.publicKey }),
    })
    expect(onboarded.statusCode).toBe(200)
    const auth = await server.app.inject({
      method: 'POST',
      url: '/v1/auth',
      headers: {
        'paradex-starknet-account': A2.account,
        'paradex-starknet-signature': signatureHeader(A2.auth),
        'paradex-timestamp': `${A2.auth.timestamp}`,
        'paradex-signature-expiration': `${A2.auth.expiration}`,
      },
    })
    expect(auth.statusCode).toBe(200)
    const bearer = { authorization: `Bearer ${auth.json().jwt_token}` }

    const verified = await server.app.inject({
      method: 'GET',
      url: '/sigil/v1/verify/trade',
      headers: bearer,
    })
    expect(verified.headers['x-sigil-account']).toBe(A2.account)
  })

  it('behavior: the native API answers under /sigil/v1 only, with its own error format', async () => {
    const nonce = await server.app.inject({ method: 'POST', url: '/sigil/v1/auth/nonce', payload: {} })
    expect(nonce.statusCode).toBe(200)
    expect(nonce.json()).toHaveProperty('nonce')

    // The old native path now belongs to Paradex (`/v1/auth/{public_key}`): a Paradex refusal.
    const moved = await server.app.inject({ method: 'POST', url: '/v1/auth/nonce', payload: {} })
    expect({ status: moved.statusCode, error: moved.json().error }).toEqual({
      status: 400,
      error: 'INVALID_STARKNET_ADDRESS',
    })
    const unknown = await server.app.inject({ method: 'GET', url: '/sigil/v1/nope' })
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/)
  })
})
