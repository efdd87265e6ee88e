import { Wallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { signedIn } from './support/api-keys.js'
import { evedexApi, evedexSignUp } from './support/evedex-client.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { walletFromKey } from './support/wallet.js'

/** Refresh, me, sessions and logout of the EVEDEX dialect; their tokens are Sigil's own. */
describe('EVEDEX dialect: tokens and sessions', () => {
  let server: TestServer
  let api: ReturnType<typeof evedexApi>
  beforeEach(async () => {
    server = await startTestServer({ publicUrl: 'https://app.example' })
    api = evedexApi(server.app)
  })
  afterEach(() => server.close())

  const code = (response: { json(): { code?: string } }) => response.json().code

  it("default: /auth/user/me is EVEDEX's User, every required field filled from the account", async () => {
    const session = await evedexSignUp(server, Wallet.createRandom())
    const user = (await api.me(session.token.accessToken)).json()
    // The `required` list of EVEDEX's User schema.
    const required =
      'id avatar cover wallet role name status description email locale telegramProfile discordId discordName mobilePushEnabled referralCode smartAccountsList signUpMethod platform createdAt updatedAt lastSignInAt subscriptionStatus privilegiesType type accountType accountStatus parent isArchived twofa permissions'
    for (const field of required.split(' ')) expect(user).toHaveProperty(field)
    expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(user).toMatchObject({
      wallet: session.address,
      role: 'user',
      signUpMethod: 'wallet',
      accountType: 'main',
    })
    expect(user.createdAt).toBe(new Date(server.clock.now()).toISOString())
  })

  it('behavior: one wallet is one account, whichever API it signs in through', async () => {
    const wallet = Wallet.createRandom()
    const evedex = await evedexSignUp(server, wallet)
    const native = await signedIn(server, walletFromKey(wallet.privateKey as `0x${string}`))
    expect(native.accountId).toBe(evedex.user.id)
    expect((await evedexSignUp(server, wallet)).user.id).toBe(evedex.user.id)
    // A native JWT is accepted by the dialect too, and another wallet is another account.
    expect((await api.me(native.accessToken)).json().id).toBe(evedex.user.id)
    expect((await evedexSignUp(server, Wallet.createRandom())).user.id).not.toBe(evedex.user.id)
  })

  it('error: a reused refresh token → 401 REFRESH_TOKEN_REUSED, and the whole session dies', async () => {
    const session = await evedexSignUp(server, Wallet.createRandom())
    const rotated = await api.refresh(session.token.refreshToken)
    expect(rotated.statusCode).toBe(200)
    server.clock.advance(10_001) // past refreshReuseIntervalSeconds: within it, a replay is not reuse
    const reuse = await api.refresh(session.token.refreshToken)
    expect([reuse.statusCode, code(reuse)]).toEqual([401, 'REFRESH_TOKEN_REUSED'])
    expect(reuse.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' })
    expect((await api.refresh(rotated.json().token.refreshToken)).statusCode).toBe(401)
    expect(code(await api.me(rotated.json().token.accessToken))).toBe('SESSION_REVOKED')
  })

  it('error: refresh without a Bearer, with an access token, or with garbage → 401', async () => {
    const session = await evedexSignUp(server, Wallet.createRandom())
    const none = await api.send('POST', '/auth/refresh')
    expect([none.statusCode, code(none)]).toEqual([401, 'CREDENTIAL_MISSING'])
    const access = await api.refresh(session.token.accessToken)
    expect([access.statusCode, code(access)]).toEqual([401, 'REFRESH_TOKEN_INVALID'])
    expect(
      (await api.send('POST', '/auth/refresh', { headers: { authorization: 'Basic eDp5' } })).statusCode,
    ).toBe(401)
    // The refresh token is not an access credential.
    expect((await api.me(session.token.refreshToken)).statusCode).toBe(401)
    // None of this cost the session anything.
    expect((await api.refresh(session.token.refreshToken)).statusCode).toBe(200)
  })

  it('behavior: the refresh body of EVEDEX (utm, tracking, visitorId) is accepted, an unknown field is not', async () => {
    const session = await evedexSignUp(server, Wallet.createRandom())
    const bad = await api.send('POST', '/auth/refresh', {
      token: session.token.refreshToken,
      body: { foo: 1 },
    })
    expect([bad.statusCode, code(bad)]).toEqual([400, 'VALIDATION_FAILED'])
    const ok = await api.send('POST', '/auth/refresh?noCookieReplace=', {
      token: session.token.refreshToken,
      body: { utm: { source: 'x' }, tracking: { params: { a: 'b' } }, visitorId: 'v' },
    })
    expect(ok.statusCode).toBe(200)
  })

  it('default: /auth/user/sessions lists the sign-ins; logout ends this one', async () => {
    const wallet = Wallet.createRandom()
    const first = await evedexSignUp(server, wallet)
    const second = await evedexSignUp(server, wallet)
    const listed = await api.send('GET', '/auth/user/sessions', { token: second.token.accessToken })
    expect(listed.statusCode).toBe(200)
    expect(listed.json().count).toBe(2)
    expect(listed.json().list[0]).toMatchObject({ user: second.user.id, refreshTokenId: null })
    const paged = await api.send('GET', '/auth/user/sessions?limit=1&offset=1', {
      token: second.token.accessToken,
    })
    expect([paged.json().list.length, paged.json().count]).toEqual([1, 2])

    const logout = await api.send('POST', '/auth/user/logout', {
      token: first.token.accessToken,
      headers: { 'content-type': 'application/json' },
    })
    expect([logout.statusCode, logout.json()]).toEqual([200, {}])
    expect(code(await api.me(first.token.accessToken))).toBe('SESSION_REVOKED')
    expect((await api.refresh(first.token.refreshToken)).statusCode).toBe(401)
    expect((await api.me(second.token.accessToken)).statusCode).toBe(200)
    const after = await api.send('GET', '/auth/user/sessions', { token: second.token.accessToken })
    expect(after.json().count).toBe(1)
  })

  it('error: without a credential → 401 CREDENTIAL_MISSING in the EVEDEX body, with the Bearer challenge', async () => {
    const response = await api.send('GET', '/auth/user/me')
    expect(response.statusCode).toBe(401)
    expect(response.headers['www-authenticate']).toBe('Bearer')
    expect(response.headers['content-type']).toContain('application/json')
    expect(response.json()).toEqual({
      statusCode: 401,
      message: 'This route needs a credential',
      error: 'Unauthorized',
      code: 'CREDENTIAL_MISSING',
    })
  })
})
