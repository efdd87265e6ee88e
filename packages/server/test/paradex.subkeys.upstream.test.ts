import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isMainKeyPath } from '../src/http/dialects/paradex/main-key-paths.js'
import { onboard, PARADEX, paradexAuth } from './support/paradex-client.js'
import { paradexSigner, paradexSubkeySigner } from './support/paradex-signer.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { startUpstream, type Upstream } from './support/upstream-server.js'

const MAIN_KEY = '0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc'
const SUB_KEY = '0x7a1d5e8c3b2f4a6d9e0c1b3a5f7e9d2c4b6a8f0e1d3c5b7a9f2e4d6c8b0a1e3'
const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` })

/**
 * Reverse-proxy mode: a subkey's JWT trades through to the backend (marked `X-Sigil-Subkey`), but
 * what Paradex keeps for the main key (transfers, settings, API tokens) never reaches it.
 */
describe('Paradex subkeys behind the reverse proxy', () => {
  let server: TestServer
  let upstream: Upstream
  let owner: string
  let subJwt: string
  const main = paradexSigner(MAIN_KEY)
  const sub = paradexSubkeySigner(SUB_KEY, main.account)

  beforeEach(async () => {
    upstream = await startUpstream()
    server = await startTestServer({ 'paradex.upstreamUrl': upstream.url })
    const now = Math.floor(server.clock.now() / 1000)
    await onboard(server.app, main)
    owner = (await paradexAuth(server.app, main.account, main.auth(now, now + 180))).json().jwt_token
    await server.app.inject({
      method: 'POST',
      url: `${PARADEX}/v1/account/keys/subkeys`,
      headers: bearer(owner),
      payload: { name: 'bot', public_key: sub.publicKey },
    })
    const signed = await paradexAuth(
      server.app,
      main.account,
      sub.auth(now, now + 180),
      {},
      `/v1/auth/${sub.publicKey}`,
    )
    subJwt = signed.json().jwt_token
  })
  afterEach(async () => {
    await server.close()
    await upstream.close()
  })

  const send = (jwt: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string) =>
    server.app.inject({
      method,
      url: `${PARADEX}/v1/${path}`,
      headers: { ...bearer(jwt), ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
      ...(method === 'GET' ? {} : { payload: '{}' }),
    })

  it('behavior: a subkey reads and trades upstream, marked as a subkey; the main key is not', async () => {
    expect((await send(subJwt, 'POST', 'orders')).statusCode).toBe(200)
    expect((await send(subJwt, 'GET', 'account/tokens')).statusCode).toBe(200)
    expect(upstream.received.map((r) => r.headers['x-sigil-subkey'])).toEqual([sub.publicKey, sub.publicKey])
    expect(upstream.received[0]!.headers['x-sigil-scope']).toBe('read trade')
    expect((await send(owner, 'POST', 'orders')).statusCode).toBe(200)
    expect(upstream.received[2]!.headers['x-sigil-subkey']).toBeUndefined()
  })

  it('attack: a subkey on main-key paths (transfers, API tokens, settings, vaults): 403 before the backend, however spelled', async () => {
    const attempts = [
      ['POST', 'xp/transfer'],
      ['POST', 'account/tokens'],
      ['DELETE', 'account/tokens/some-lookup-id'],
      ['PUT', 'account/tokens/some-lookup-id/allowed-cidrs'],
      ['POST', 'account/terminal-token'],
      ['POST', 'account/settings/trading_value_display'],
      ['PUT', 'account/profile'],
      ['POST', 'vaults'],
      ['POST', 'XP/Transfer'],
    ] as const
    for (const [method, path] of attempts) {
      const response = await send(subJwt, method, path)
      expect([method, path, response.statusCode, response.json().error]).toEqual([
        method,
        path,
        403,
        'INVALID_TOKEN_SCOPE',
      ])
    }
    // Other spellings the route policy already refuses as no path at all (404): never forwarded.
    for (const path of ['xp/%74ransfer', 'account//tokens']) {
      expect([path, (await send(subJwt, 'POST', path)).statusCode]).toEqual([path, 404])
    }
    expect(upstream.received).toEqual([])
    // The main key's JWT goes through.
    expect((await send(owner, 'POST', 'xp/transfer')).statusCode).toBe(200)
  })

  it('behavior: main-key paths match whole segments, decoded and case-folded', () => {
    const paths = ['account/tokens', 'xp/transfer']
    expect(isMainKeyPath('/v1/account/tokens', paths)).toBe(true)
    expect(isMainKeyPath('/v1/account/tokens/x/y', paths)).toBe(true)
    expect(isMainKeyPath('/v1/account/tokensx', paths)).toBe(false)
    expect(isMainKeyPath('/v1/account', paths)).toBe(false)
    expect(isMainKeyPath('/v1/xp/transfers', paths)).toBe(false)
    expect(isMainKeyPath('/v1/Xp/%54ransfer', paths)).toBe(true)
    expect(isMainKeyPath('/v2/xp/transfer', paths)).toBe(false)
  })
})
