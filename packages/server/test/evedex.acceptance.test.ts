import type { AddressInfo } from 'node:net'
import { Wallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { docsMessage, EVEDEX_CHAIN_ID, EVEDEX_DEMO_CHAIN_ID, sdkMessage } from './support/evedex-client.js'
import { startTestServer, type TestServer } from './support/test-server.js'

/**
 * EVEDEX's documented TypeScript sign-in, written as their users write it: fetch, an ethers v6
 * signer, the SIWE text their SDK builds, the tokens as Bearer, and a refresh on 401. Over a real
 * socket, so headers and empty bodies are what a real client sends.
 */
/** EVEDEX's `Auth` body: what their SDK calls a Session. */
interface Auth {
  user: { id: string; wallet: string; [field: string]: unknown }
  token: { accessToken: string; refreshToken: string }
}

describe('EVEDEX dialect: the documented sign-in flow, end to end', () => {
  let server: TestServer
  let base: string
  beforeEach(async () => {
    server = await startTestServer({ publicUrl: 'https://app.example' })
    await server.app.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`
  })
  afterEach(() => server.close())

  const json = { accept: 'application/json', 'content-type': 'application/json' }

  it('default: nonce, SDK message signed by an ethers wallet, sign-up, Bearer here and on the native API, refresh on 401', async () => {
    // --- as in EVEDEX's docs and SDK ---
    const signer = Wallet.createRandom()
    const address = await signer.getAddress()
    const nonceRes = await fetch(`${base}/evedex/auth/nonce`, {
      method: 'GET',
      headers: { accept: 'application/json' },
    })
    const { nonce } = (await nonceRes.json()) as { nonce: string }
    const message = sdkMessage({
      address,
      nonce,
      chainId: EVEDEX_CHAIN_ID,
      issuedAt: new Date(server.clock.now()),
    })
    const signature = await signer.signMessage(message)
    const signUp = await fetch(`${base}/evedex/auth/user/sign-up`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ wallet: address, message, nonce, signature }),
    })
    expect(signUp.status).toBe(200)
    expect(signUp.headers.get('cache-control')).toBe('no-store')
    const session = (await signUp.json()) as Auth
    let { accessToken, refreshToken } = session.token
    const authed = (token: string) => ({ accept: 'application/json', authorization: `Bearer ${token}` })
    // --- end of their snippet ---

    expect(message.split('\n')[0]).toBe(
      'https://app.example wants you to sign in with your Ethereum account:',
    )
    expect(message).toContain('\n\nSign in to app.example\n\nURI: https://app.example\n')
    expect(session.user).toMatchObject({ wallet: address, role: 'user', accountStatus: 'active' })

    const me = await fetch(`${base}/evedex/auth/user/me`, { headers: authed(accessToken) })
    expect(me.status).toBe(200)
    expect(await me.json()).toEqual(session.user)

    // The same token is an ordinary Sigil credential: native API and the proxy verify endpoint.
    const nativeMe = await fetch(`${base}/v1/auth/me`, { headers: authed(accessToken) })
    expect(nativeMe.status).toBe(200)
    expect(((await nativeMe.json()) as { account: unknown }).account).toEqual({
      id: session.user.id,
      address,
      status: 'active',
    })
    const verify = await fetch(`${base}/v1/verify/read`, { headers: authed(accessToken) })
    expect(verify.status).toBe(200)
    expect(verify.headers.get('x-sigil-account')).toBe(session.user.id)

    // Minutes later the access token is dead: a 401 tells the client to refresh.
    server.clock.advance(
      (server.config.accessTokenTtlSeconds + server.config.jwtClockToleranceSeconds + 1) * 1000,
    )
    const expired = await fetch(`${base}/evedex/auth/user/me`, { headers: authed(accessToken) })
    expect(expired.status).toBe(401)
    expect(await expired.json()).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'TOKEN_EXPIRED',
    })

    // The SDK's refresh: JSON content type, no body, the refresh token as Bearer.
    const refreshed = await fetch(`${base}/evedex/auth/refresh`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${refreshToken}` },
    })
    expect(refreshed.status).toBe(200)
    const pair = (await refreshed.json()) as Auth
    expect(pair.user).toEqual(session.user)
    expect(pair.token.refreshToken).not.toBe(refreshToken) // rotates, as their system test asserts
    ;({ accessToken, refreshToken } = pair.token)

    const again = await fetch(`${base}/evedex/auth/user/me`, { headers: authed(accessToken) })
    expect(again.status).toBe(200)
  })

  it("default: the docs' own snippet (no statement, the URI opening line 1) signs in on the demo chain", async () => {
    const signer = Wallet.createRandom()
    const { nonce } = (await (await fetch(`${base}/evedex/auth/nonce`)).json()) as { nonce: string }
    const siweMessage = docsMessage({
      address: await signer.getAddress(),
      uri: 'https://app.example',
      version: '1',
      chainId: BigInt(EVEDEX_DEMO_CHAIN_ID),
      nonce,
      issuedAt: new Date(server.clock.now()).toISOString(),
    })
    expect(siweMessage).toContain(`${await signer.getAddress()}\n\n\nURI: `)
    const signature = await signer.signMessage(siweMessage)
    const response = await fetch(`${base}/evedex/auth/user/sign-up`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ wallet: signer.address, message: siweMessage, nonce, signature }),
    })
    expect(response.status).toBe(200)
    const body = (await response.json()) as Auth
    expect(body.user.wallet).toBe(signer.address)
    expect(typeof body.token.accessToken).toBe('string')
  })
})
