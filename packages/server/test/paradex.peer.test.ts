import { afterEach, describe, expect, it } from 'vitest'
import { decodeJwt, onboard, paradexAuth } from './support/paradex-client.js'
import { paradexSigner } from './support/paradex-signer.js'
import { startTestServer, type TestServer } from './support/test-server.js'

const PRIVATE_KEY = '0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc'

describe('Paradex: a starknet.js client with a fresh key (not a stored vector)', () => {
  let server: TestServer
  afterEach(() => server.close())

  it('behavior: onboards and authenticates at the current time, as ccxt does (expiration now + 180)', async () => {
    server = await startTestServer()
    const client = paradexSigner(PRIVATE_KEY)
    expect((await onboard(server.app, client)).statusCode).toBe(200)
    const now = Math.floor(server.clock.now() / 1000)
    const response = await paradexAuth(server.app, client.account, client.auth(now, now + 180))
    expect(response.statusCode).toBe(200)
    expect(decodeJwt(response.json().jwt_token).sub).toBe(client.account)
  })

  it('behavior: the configured starknet chain id is the one signatures must name', async () => {
    server = await startTestServer({ 'paradex.starknetChainId': 'PRIVATE_SN_PARACLEAR_MAINNET' })
    const sepolia = paradexSigner(PRIVATE_KEY)
    expect((await onboard(server.app, sepolia)).json().error).toBe('STARKNET_SIGNATURE_VERIFICATION_FAILED')
    const mainnet = paradexSigner(PRIVATE_KEY, 'PRIVATE_SN_PARACLEAR_MAINNET')
    expect((await onboard(server.app, mainnet)).statusCode).toBe(200)
    const config = await server.app.inject({ method: 'GET', url: '/paradex/v1/system/config' })
    expect(config.json().starknet_chain_id).toBe('PRIVATE_SN_PARACLEAR_MAINNET')
  })
})
