import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decodeJwt, onboard, PARADEX, paradexAuth } from './support/paradex-client.js'
import { paradexSigner, paradexSubkeySigner } from './support/paradex-signer.js'
import { startTestServer, type TestServer } from './support/test-server.js'

/**
 * Paradex subkeys end to end, every signature made by starknet.js (support/paradex-signer.ts),
 * independent of @sigil/protocol: the main key registers a stark key, the key signs
 * `POST /v1/auth/{subkey}` for the main account, its JWT reads and trades but manages nothing.
 */

const MAIN_KEY = '0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc'
const OTHER_MAIN_KEY = '0x5b2d3a9c1e7f4d6a8b0c2e4f6a8b1d3f5e7a9c0b2d4f6e8a1c3e5b7d9f0a2c4'
const SUB_KEY = '0x7a1d5e8c3b2f4a6d9e0c1b3a5f7e9d2c4b6a8f0e1d3c5b7a9f2e4d6c8b0a1e3'
const STRANGER_KEY = '0x2f4e6a8c0b1d3f5e7a9c2b4d6f8e0a1c3e5b7d9f2a4c6e8b0d1f3a5c7e9b2d4'

const SUBKEYS = `${PARADEX}/v1/account/keys/subkeys`
const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` })

describe('Paradex subkeys: register, authenticate, trade, revoke', () => {
  let server: TestServer
  const main = paradexSigner(MAIN_KEY)
  const sub = paradexSubkeySigner(SUB_KEY, main.account)
  const now = () => Math.floor(server.clock.now() / 1000)

  const mainJwt = async (signer = main) => {
    const response = await paradexAuth(server.app, signer.account, signer.auth(now(), now() + 180))
    expect(response.statusCode).toBe(200)
    return response.json().jwt_token as string
  }
  /** paradex-py's `SubkeyAccount.auth`: the subkey's key in the path, the main account in the header. */
  const subkeyAuth = (
    signer = sub,
    overrides: Record<string, string> = {},
    auth = signer.auth(now(), now() + 180),
  ) => paradexAuth(server.app, signer.account, auth, overrides, `/v1/auth/${signer.publicKey}`)
  const register = (jwt: string, body: Record<string, unknown>) =>
    server.app.inject({ method: 'POST', url: SUBKEYS, headers: bearer(jwt), payload: body })
  const list = (jwt: string, query = '') =>
    server.app.inject({ method: 'GET', url: `${SUBKEYS}${query}`, headers: bearer(jwt) })
  const revoke = (jwt: string, publicKey: string) =>
    server.app.inject({ method: 'DELETE', url: `${SUBKEYS}/${publicKey}`, headers: bearer(jwt) })
  const canTrade = async (jwt: string) =>
    (await server.app.inject({ method: 'GET', url: '/v1/verify/trade', headers: bearer(jwt) })).statusCode

  beforeEach(async () => {
    server = await startTestServer()
    expect((await onboard(server.app, main)).statusCode).toBe(200)
  })
  afterEach(() => server.close())

  it('behavior: the main key registers (201, empty), lists and gets a subkey in Paradex’s shape', async () => {
    const jwt = await mainJwt()
    expect(decodeJwt(jwt).scope).toBe('read trade keys')
    const created = await register(jwt, { name: 'bot', public_key: sub.publicKey, state: 'active' })
    expect([created.statusCode, created.body]).toEqual([201, ''])

    const listed = await list(jwt)
    expect(listed.statusCode).toBe(200)
    const t = server.clock.now() * 1_000_000
    expect(listed.json()).toEqual({
      results: [
        {
          account_id: main.account,
          name: 'bot',
          public_key: sub.publicKey,
          state: 'active',
          allowed_cidrs: [],
          created_at: t,
          updated_at: t,
          revoked_at: 0,
        },
      ],
    })
    const one = await server.app.inject({
      method: 'GET',
      url: `${SUBKEYS}/${sub.publicKey}`,
      headers: bearer(jwt),
    })
    expect(one.json()).toEqual(listed.json().results[0])
    const renamed = await server.app.inject({
      method: 'PUT',
      url: `${SUBKEYS}/${sub.publicKey}`,
      headers: bearer(jwt),
      payload: { name: 'bot 2' },
    })
    expect(renamed.json()).toMatchObject({ name: 'bot 2', public_key: sub.publicKey })
  })

  it('behavior: the subkey signs /v1/auth/{subkey} for the main account: a JWT that reads and trades as that account', async () => {
    await register(await mainJwt(), { name: 'bot', public_key: sub.publicKey })
    const response = await subkeyAuth()
    expect(response.statusCode).toBe(200)
    const jwt = response.json().jwt_token as string
    const claims = decodeJwt(jwt)
    expect(claims).toMatchObject({
      sub: main.account,
      client_id: 'paradex',
      scope: 'read trade',
      subkey: sub.publicKey,
    })
    expect(claims.sid).toMatch(/^paradex-subkey:/)
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300)
    expect(await canTrade(jwt)).toBe(200)
    const me = await server.app.inject({ method: 'GET', url: '/v1/auth/me', headers: bearer(jwt) })
    expect(me.json()).toMatchObject({
      account: { id: main.account },
      credential: 'jwt',
      scopes: ['read', 'trade'],
    })
    // Every token of the subkey shares its sid: one revocation ends them all.
    expect(decodeJwt((await subkeyAuth()).json().jwt_token).sid).toBe(claims.sid)
  })

  it('behavior: revoking ends the subkey at once: its auth is refused and the JWTs it holds stop working', async () => {
    const owner = await mainJwt()
    await register(owner, { name: 'bot', public_key: sub.publicKey })
    const held = (await subkeyAuth()).json().jwt_token as string
    expect(await canTrade(held)).toBe(200)

    const revoked = await revoke(owner, sub.publicKey)
    expect([revoked.statusCode, revoked.json()]).toEqual([200, { public_key: sub.publicKey }])
    expect(await canTrade(held)).toBe(401)
    const again = await subkeyAuth()
    expect([again.statusCode, again.json().error]).toEqual([400, 'PUBLIC_KEY_INVALID'])
    // The main key is untouched; the listing shows the revoked key only when asked.
    expect(await canTrade(owner)).toBe(200)
    expect((await list(owner)).json().results).toEqual([])
    const all = (await list(owner, '?with_revoked=true')).json().results
    expect(all).toEqual([
      expect.objectContaining({ state: 'revoked', revoked_at: server.clock.now() * 1_000_000 }),
    ])
    expect((await revoke(owner, sub.publicKey)).json().error).toBe('NOT_FOUND')

    // Registered again, it is a new subkey: new tokens work, the old ones stay dead.
    expect((await register(owner, { name: 'bot', public_key: sub.publicKey })).statusCode).toBe(201)
    const fresh = (await subkeyAuth()).json().jwt_token as string
    expect(await canTrade(fresh)).toBe(200)
    expect(await canTrade(held)).toBe(401)

    // Audited: both registrations and the revocation, naming the key; the subkey's sign-ins too.
    const events = await server.stores.audit.query({ accountId: main.account, limit: 50 })
    const subkeyEvents = events.filter((e) => e.type.startsWith('subkey.'))
    expect(subkeyEvents.map((e) => [e.type, e.detail?.public_key])).toEqual(
      expect.arrayContaining([
        ['subkey.registered', sub.publicKey],
        ['subkey.revoked', sub.publicKey],
      ]),
    )
    expect(subkeyEvents).toHaveLength(3)
    expect(
      events.filter((e) => e.type === 'sign_in.succeeded' && e.detail?.subkey === sub.publicKey),
    ).toHaveLength(2)
  })

  it('attack: a subkey manages nothing: subkey routes, native key management, all refused with a clear code', async () => {
    await register(await mainJwt(), { name: 'bot', public_key: sub.publicKey })
    const jwt = (await subkeyAuth()).json().jwt_token as string
    const other = paradexSubkeySigner(STRANGER_KEY, main.account)
    const calls = [
      { method: 'POST', url: SUBKEYS, payload: { name: 'mine', public_key: other.publicKey } },
      { method: 'GET', url: SUBKEYS },
      { method: 'GET', url: `${SUBKEYS}/${sub.publicKey}` },
      { method: 'PUT', url: `${SUBKEYS}/${sub.publicKey}`, payload: { name: 'x' } },
      { method: 'DELETE', url: `${SUBKEYS}/${sub.publicKey}` },
      { method: 'PUT', url: `${SUBKEYS}/${sub.publicKey}/allowed-cidrs`, payload: { allowed_cidrs: [] } },
      { method: 'POST', url: `${SUBKEYS}/activate`, payload: {} },
    ] as const
    for (const call of calls) {
      const response = await server.app.inject({ ...call, headers: bearer(jwt) })
      expect([call.method, call.url, response.statusCode, response.json().error]).toEqual([
        call.method,
        call.url,
        403,
        'INVALID_TOKEN_SCOPE',
      ])
    }
    // Native key management (API keys, sessions) says the same in its own shape.
    for (const [method, url] of [
      ['POST', '/v1/api-keys'],
      ['GET', '/v1/api-keys'],
      ['GET', '/v1/auth/sessions'],
      ['POST', '/v1/auth/logout-all'],
    ] as const) {
      const response = await server.app.inject({ method, url, headers: bearer(jwt), payload: {} })
      expect([url, response.statusCode, response.json().code]).toEqual([url, 403, 'SUBKEY_FORBIDDEN'])
    }
    // Nothing was registered by the subkey.
    const owner = await mainJwt()
    expect((await list(owner)).json().results.map((s: { public_key: string }) => s.public_key)).toEqual([
      sub.publicKey,
    ])
  })

  it('attack: a subkey of account A signing for account B (its address in the header) is refused', async () => {
    const b = paradexSigner(OTHER_MAIN_KEY)
    expect((await onboard(server.app, b)).statusCode).toBe(200)
    await register(await mainJwt(), { name: 'bot', public_key: sub.publicKey })
    // Signed for B, B in the header: the key is no key of B.
    const forB = paradexSubkeySigner(SUB_KEY, b.account)
    const response = await subkeyAuth(forB)
    expect([response.statusCode, response.json().error]).toEqual([400, 'PUBLIC_KEY_INVALID'])
    // Signed for A, B in the header: still no key of B (and the signature names A anyway).
    const swapped = await subkeyAuth(forB, {}, sub.auth(now(), now() + 180))
    expect([swapped.statusCode, swapped.json().error]).toEqual([400, 'PUBLIC_KEY_INVALID'])
  })

  it('attack: signatures by keys the account never registered, and a subkey signature without its key named', async () => {
    await register(await mainJwt(), { name: 'bot', public_key: sub.publicKey })
    const stranger = paradexSubkeySigner(STRANGER_KEY, main.account)
    const unregistered = await subkeyAuth(stranger)
    expect([unregistered.statusCode, unregistered.json().error]).toEqual([400, 'PUBLIC_KEY_INVALID'])
    // The stranger names the registered subkey: the signature is checked against that key and fails.
    const borrowed = await paradexAuth(
      server.app,
      main.account,
      stranger.auth(now(), now() + 180),
      {},
      `/v1/auth/${sub.publicKey}`,
    )
    expect([borrowed.statusCode, borrowed.json().error]).toEqual([
      401,
      'STARKNET_SIGNATURE_VERIFICATION_FAILED',
    ])
    // The subkey's signature on plain /v1/auth is checked against the main key (Paradex's default).
    const unnamed = await paradexAuth(server.app, main.account, sub.auth(now(), now() + 180))
    expect([unnamed.statusCode, unnamed.json().error]).toEqual([
      401,
      'STARKNET_SIGNATURE_VERIFICATION_FAILED',
    ])
    // The main key's signature under the subkey's name is no subkey signature.
    const mainUnderSub = await paradexAuth(
      server.app,
      main.account,
      main.auth(now(), now() + 180),
      {},
      `/v1/auth/${sub.publicKey}`,
    )
    expect(mainUnderSub.json().error).toBe('STARKNET_SIGNATURE_VERIFICATION_FAILED')
    // A key of an account that never onboarded.
    const nobody = paradexSubkeySigner(SUB_KEY, paradexSigner(OTHER_MAIN_KEY).account)
    expect((await subkeyAuth(nobody)).json().error).toBe('NOT_ONBOARDED')
  })

  it('attack: the time window applies to subkeys unchanged (expired, too far ahead, over a week)', async () => {
    await register(await mainJwt(), { name: 'bot', public_key: sub.publicKey })
    const t = now()
    for (const [timestamp, expiration] of [
      [t - 400, t - 10],
      [t + 3600, t + 3700],
      [t, t + 604_801],
    ] as const) {
      const response = await subkeyAuth(sub, {}, sub.auth(timestamp, expiration))
      expect([timestamp - t, response.statusCode]).not.toEqual([timestamp - t, 200])
    }
  })

  it('error: duplicate registration, malformed public keys, bad names, unsupported Paradex options', async () => {
    const jwt = await mainJwt()
    expect((await register(jwt, { name: 'bot', public_key: sub.publicKey })).statusCode).toBe(201)
    const duplicate = await register(jwt, {
      name: 'bot again',
      public_key: sub.publicKey.toUpperCase().replace('0X', '0x'),
    })
    expect([duplicate.statusCode, duplicate.json().error]).toEqual([400, 'INVALID_SUBKEY'])
    // Leading zeros spell the same felt: still a duplicate.
    const padded = `0x${sub.publicKey.slice(2).padStart(64, '0')}`
    expect((await register(jwt, { name: 'padded', public_key: padded })).json().error).toBe('INVALID_SUBKEY')

    const offCurve = await firstOffCurveKey()
    for (const public_key of [
      '',
      'zz',
      '0x',
      '0xg1',
      '12345',
      `0x${'f'.repeat(64)}`,
      `0x1${'0'.repeat(64)}`,
      offCurve,
      undefined,
    ]) {
      const response = await register(jwt, {
        name: 'bad',
        ...(public_key === undefined ? {} : { public_key }),
      })
      expect([public_key, response.statusCode, response.json().error]).toEqual([
        public_key,
        400,
        'PUBLIC_KEY_INVALID',
      ])
    }
    const fresh = paradexSubkeySigner(STRANGER_KEY, main.account).publicKey
    for (const name of [undefined, '', '   ', 'a\u0000b', 'x'.repeat(101)]) {
      const response = await register(jwt, { ...(name === undefined ? {} : { name }), public_key: fresh })
      expect([name, response.statusCode, response.json().error]).toEqual([name, 400, 'VALIDATION_ERROR'])
    }
    for (const extra of [{ state: 'pending' }, { allowed_cidrs: ['203.0.113.0/24'] }]) {
      const response = await register(jwt, { name: 'x', public_key: fresh, ...extra })
      expect([extra, response.statusCode, response.json().error]).toEqual([extra, 400, 'VALIDATION_ERROR'])
    }
    // None of the refused registrations left a row.
    expect((await list(jwt)).json().results).toHaveLength(1)
  })

  it('error: the per-account limit (paradex.subkeysPerAccountMax) counts live subkeys', async () => {
    await server.close()
    server = await startTestServer({ 'paradex.subkeysPerAccountMax': 1 })
    await onboard(server.app, main)
    const jwt = await mainJwt()
    expect((await register(jwt, { name: 'one', public_key: sub.publicKey })).statusCode).toBe(201)
    const other = paradexSubkeySigner(STRANGER_KEY, main.account).publicKey
    const refused = await register(jwt, { name: 'two', public_key: other })
    expect([refused.statusCode, refused.json().error]).toEqual([400, 'INVALID_SUBKEY'])
    await revoke(jwt, sub.publicKey)
    expect((await register(jwt, { name: 'two', public_key: other })).statusCode).toBe(201)
  })

  it('attack: an account manages only its own subkeys', async () => {
    const b = paradexSigner(OTHER_MAIN_KEY)
    await onboard(server.app, b)
    await register(await mainJwt(), { name: 'bot', public_key: sub.publicKey })
    const bJwt = await mainJwt(b)
    expect((await list(bJwt)).json().results).toEqual([])
    expect((await revoke(bJwt, sub.publicKey)).json().error).toBe('NOT_FOUND')
    expect((await subkeyAuth()).statusCode).toBe(200)
  })
})

/** A hex felt that is no x-coordinate on the Stark curve (about half of them are not). */
async function firstOffCurveKey(): Promise<string> {
  const { parseStarkKey } = await import('@sigil/protocol')
  for (let x = 2n; ; x++) if (!parseStarkKey(`0x${x.toString(16)}`).ok) return `0x${x.toString(16)}`
}
