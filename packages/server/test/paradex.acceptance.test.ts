import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decodeJwt, onboard, PARADEX, paradexAuth } from './support/paradex-client.js'
import { A1, A2 } from './support/paradex-vectors.js'
import { startTestServer, type TestServer } from './support/test-server.js'

describe('Paradex: the §11 vectors end to end', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
    server.clock.set(1_700_000_060_000)
  })
  afterEach(() => server.close())

  it('behavior: /v1/system/config publishes what ccxt and the SDK read', async () => {
    const response = await server.app.inject({ method: 'GET', url: `${PARADEX}/v1/system/config` })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body).toMatchObject({
      starknet_chain_id: 'PRIVATE_SN_POTC_SEPOLIA',
      l1_chain_id: '11155111',
      paraclear_account_hash: '0x41cb0280ebadaa75f996d8d92c6f265f6d040bb3ba442e5f86a554f1765244e',
      paraclear_account_proxy_hash: '0x3530cc4759d78042f1b543bf797f5f3d647cde0388c33734cf91b7f7b9314a9',
      bridged_tokens: [],
      paraclear_decimals: 8,
    })
  })

  it('behavior: A2 onboards (empty 200), then /v1/auth gives a 300 s JWT whose sub is the account', async () => {
    const onboarded = await onboard(server.app)
    expect(onboarded.statusCode).toBe(200)
    expect(onboarded.body).toBe('')

    const response = await paradexAuth(server.app)
    expect(response.statusCode).toBe(200)
    const { jwt_token } = response.json()
    const claims = decodeJwt(jwt_token)
    expect(claims).toMatchObject({ sub: A2.account, client_id: 'paradex', scope: 'read trade keys' })
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300)

    const me = await server.app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${jwt_token}` },
    })
    expect(me.statusCode).toBe(200)
    expect(me.json().account).toMatchObject({ id: A2.account, address: A2.account, status: 'active' })
    const verify = await server.app.inject({
      method: 'GET',
      url: '/v1/verify/read',
      headers: { authorization: `Bearer ${jwt_token}` },
    })
    expect(verify.statusCode).toBe(200)
    expect(verify.headers['x-sigil-account']).toBe(A2.account)
  })

  it('behavior: onboarding is idempotent, and an unpadded or upper-case account is the same account', async () => {
    expect((await onboard(server.app)).statusCode).toBe(200)
    const padded = `0x0${A2.account.slice(2).toUpperCase()}`
    expect((await onboard(server.app, { ...A2, account: padded })).statusCode).toBe(200)
    const response = await paradexAuth(server.app, padded)
    expect(decodeJwt(response.json().jwt_token).sub).toBe(A2.account)
  })

  it('behavior: POST /v1/auth/{public_key} with the onboarded key works; another key is refused', async () => {
    await onboard(server.app)
    const good = await paradexAuth(server.app, A2.account, A2.auth, {}, `/v1/auth/${A2.publicKey}`)
    expect(good.statusCode).toBe(200)
    const other = await paradexAuth(server.app, A2.account, A2.auth, {}, `/v1/auth/${A1.publicKey}`)
    expect(other.statusCode).toBe(400)
    expect(other.json()).toEqual({ error: 'PUBLIC_KEY_INVALID', message: expect.any(String), data: null })
  })

  it('behavior: a window of exactly one week (A1, as code-samples signs) is accepted', async () => {
    expect((await onboard(server.app, A1)).statusCode).toBe(200)
    expect((await paradexAuth(server.app, A1.account, A1.auth)).statusCode).toBe(200)
  })

  it('behavior: GET /v1/onboarding derives the address and says whether it is onboarded', async () => {
    const status = () =>
      server.app.inject({
        method: 'GET',
        url: `${PARADEX}/v1/onboarding?account_signer_type=starknet&public_key=${A2.publicKey}`,
      })
    expect((await status()).json()).toMatchObject({ address: A2.account, exists: false })
    await onboard(server.app)
    expect((await status()).json()).toMatchObject({
      account_signer_type: 'starknet',
      address: A2.account,
      exists: true,
      derivation_info: { class_hash: expect.any(String), proxy_class_hash: expect.any(String) },
    })
  })

  it('decision: replaying the same auth headers within their expiration mints another JWT, as Paradex does', async () => {
    await onboard(server.app)
    const first = await paradexAuth(server.app)
    const second = await paradexAuth(server.app)
    expect([first.statusCode, second.statusCode]).toEqual([200, 200])
    expect(second.json().jwt_token).not.toBe(first.json().jwt_token)
  })
})
