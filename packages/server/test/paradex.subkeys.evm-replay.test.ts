import { afterEach, describe, expect, it } from 'vitest'
import { openStores } from '../src/store/open-stores.js'
import { decodeJwt, onboard, PARADEX, paradexAuth } from './support/paradex-client.js'
import {
  EVM_A2_ACCOUNT,
  EVM_A2_KEY,
  evmAuth,
  evmOnboard,
  paradexEvmHeaders,
} from './support/paradex-evm-client.js'
import { paradexSigner, paradexSubkeySigner } from './support/paradex-signer.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { walletFromKey } from './support/wallet.js'

const MAIN_KEY = '0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc'
const SUB_KEY = '0x7a1d5e8c3b2f4a6d9e0c1b3a5f7e9d2c4b6a8f0e1d3c5b7a9f2e4d6c8b0a1e3'
const SUBKEYS = `${PARADEX}/v1/account/keys/subkeys`

describe('Paradex subkeys: EVM (v2) accounts, strictReplay, a revocation racing an auth', () => {
  let server: TestServer
  afterEach(() => server.close())
  const now = () => Math.floor(server.clock.now() / 1000)

  it('behavior: an EVM (v2) account, which cannot sign Stark messages, trades through a subkey (paradex-py create_trading_subkey)', async () => {
    server = await startTestServer()
    const issuedAt = new Date(server.clock.now())
    const wallet = walletFromKey(EVM_A2_KEY)
    const base = { account: EVM_A2_ACCOUNT, issuedAt }
    const onboarded = await evmOnboard(
      server.app,
      await paradexEvmHeaders(EVM_A2_KEY, { ...base, statement: 'Paradex Onboarding' }),
      { public_key: wallet.publicKey },
    )
    expect(onboarded.statusCode).toBe(200)
    const auth = await evmAuth(
      server.app,
      await paradexEvmHeaders(EVM_A2_KEY, {
        ...base,
        statement: 'Paradex Auth',
        expirationTime: new Date(issuedAt.getTime() + 300_000),
      }),
    )
    const evmJwt = auth.json().jwt_token as string
    expect(decodeJwt(evmJwt).scope).toBe('read trade keys')

    const sub = paradexSubkeySigner(SUB_KEY, EVM_A2_ACCOUNT)
    // paradex-py's create_trading_subkey body: name, public_key, state "active"; no signature.
    const created = await server.app.inject({
      method: 'POST',
      url: SUBKEYS,
      headers: { authorization: `Bearer ${evmJwt}` },
      payload: { name: 'trading', public_key: sub.publicKey, state: 'active' },
    })
    expect(created.statusCode).toBe(201)
    const response = await paradexAuth(
      server.app,
      EVM_A2_ACCOUNT,
      sub.auth(now(), now() + 86_400),
      {},
      `/v1/auth/${sub.publicKey}`,
    )
    expect(response.statusCode).toBe(200)
    expect(decodeJwt(response.json().jwt_token)).toMatchObject({ sub: EVM_A2_ACCOUNT, subkey: sub.publicKey })
    // Without a key named, the EVM account has no Stark key to check: refused as before.
    const unnamed = await paradexAuth(server.app, EVM_A2_ACCOUNT, sub.auth(now(), now() + 60))
    expect(unnamed.json().error).toBe('STARKNET_SIGNATURE_VERIFICATION_FAILED')
  })

  it('attack: replay: with strictReplay a subkey header set mints one token; the main key signing the same window is another message', async () => {
    server = await startTestServer({ 'paradex.strictReplay': true })
    const main = paradexSigner(MAIN_KEY)
    await onboard(server.app, main)
    const sub = paradexSubkeySigner(SUB_KEY, main.account)
    const window = [now(), now() + 180] as const
    const mainJwt = (await paradexAuth(server.app, main.account, main.auth(...window))).json().jwt_token
    await server.app.inject({
      method: 'POST',
      url: SUBKEYS,
      headers: { authorization: `Bearer ${mainJwt}` },
      payload: { name: 'bot', public_key: sub.publicKey },
    })
    const signed = sub.auth(...window)
    const first = await paradexAuth(server.app, main.account, signed, {}, `/v1/auth/${sub.publicKey}`)
    expect(first.statusCode).toBe(200)
    const replayed = await paradexAuth(server.app, main.account, signed, {}, `/v1/auth/${sub.publicKey}`)
    expect([replayed.statusCode, replayed.json().error]).toEqual([
      401,
      'STARKNET_SIGNATURE_VERIFICATION_FAILED',
    ])
    expect(replayed.json().message).toContain('already')
    // The same window signed by the main key was used once above and is refused again too.
    const mainAgain = await paradexAuth(server.app, main.account, main.auth(...window))
    expect(mainAgain.statusCode).toBe(401)
  })

  it('behavior: without strictReplay (Paradex), one subkey header set mints tokens until it expires', async () => {
    server = await startTestServer()
    const main = paradexSigner(MAIN_KEY)
    await onboard(server.app, main)
    const sub = paradexSubkeySigner(SUB_KEY, main.account)
    const mainJwt = (await paradexAuth(server.app, main.account, main.auth(now(), now() + 180))).json()
      .jwt_token
    await server.app.inject({
      method: 'POST',
      url: SUBKEYS,
      headers: { authorization: `Bearer ${mainJwt}` },
      payload: { name: 'bot', public_key: sub.publicKey },
    })
    const signed = sub.auth(now(), now() + 180)
    for (let i = 0; i < 2; i++) {
      const response = await paradexAuth(server.app, main.account, signed, {}, `/v1/auth/${sub.publicKey}`)
      expect(response.statusCode).toBe(200)
    }
    server.clock.set(server.clock.now() + 181_000)
    const expired = await paradexAuth(server.app, main.account, signed, {}, `/v1/auth/${sub.publicKey}`)
    expect(expired.statusCode).toBe(401)
  })

  it('attack: a subkey revoked between its lookup and its token: no token comes out', async () => {
    const stores = await openStores('sqlite::memory:')
    const main = paradexSigner(MAIN_KEY)
    const sub = paradexSubkeySigner(SUB_KEY, main.account)
    const { findActive } = stores.paradexSubkeys
    // The revocation lands right after the auth read the subkey as active (in the store only,
    // as a revocation on a replica whose bus message is still on its way).
    stores.paradexSubkeys.findActive = async (accountId, publicKey) => {
      const found = await findActive(accountId, publicKey)
      if (found) await stores.paradexSubkeys.revoke(accountId, publicKey, Date.now())
      return found
    }
    server = await startTestServer({}, { stores })
    await onboard(server.app, main)
    const owner = (await paradexAuth(server.app, main.account, main.auth(now(), now() + 180))).json()
      .jwt_token
    await server.app.inject({
      method: 'POST',
      url: SUBKEYS,
      headers: { authorization: `Bearer ${owner}` },
      payload: { name: 'bot', public_key: sub.publicKey },
    })
    const response = await paradexAuth(
      server.app,
      main.account,
      sub.auth(now(), now() + 180),
      {},
      `/v1/auth/${sub.publicKey}`,
    )
    expect([response.statusCode, response.json().error]).toEqual([400, 'PUBLIC_KEY_INVALID'])
    expect(response.json().jwt_token).toBeUndefined()
  })
})
