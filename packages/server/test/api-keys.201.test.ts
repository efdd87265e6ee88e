import { describe, expect, it } from 'vitest'
import {
  API_KEY_SHAPE,
  createKey,
  createKeyRequest,
  dumpDatabase,
  listKeys,
  revokeKey,
  rotateKey,
  type SignedIn,
  signedIn,
  splitApiKey,
  useKey,
  useSignedInServer,
} from './support/api-keys.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet, signIn } from './support/wallet.js'

const DAY = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString()

/** The happy paths of API keys: their exact wire shapes, and what each step does. */
describe('API keys: create, list, use, rotate, revoke', () => {
  let server: TestServer
  let owner: SignedIn
  useSignedInServer((started) => ({ server, owner } = started))

  it('default: POST /v1/api-keys answers 201 with the metadata and the secret, not cacheable', async () => {
    const response = await createKeyRequest(server, owner, {
      name: 'market maker',
      scope: 'trade',
      allowedIps: ['203.0.113.0/24'],
    })
    expect(response.statusCode).toBe(201)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    const body = response.json()
    const { id, secretPart } = splitApiKey(body.secret)
    expect(body).toEqual({
      id,
      name: 'market maker',
      scope: 'trade',
      allowedIps: ['203.0.113.0/24'],
      status: 'active',
      credential: 'secret',
      masked: `sgl_sk_${id}…${secretPart.slice(-4)}`,
      createdAt: iso(server.clock.now()),
      expiresAt: null,
      lastUsedAt: null,
      lastUsedIp: null,
      secret: body.secret,
    })
  })

  it('behavior: the secret is sgl_sk_ + the public id + 43 base62 characters (≥ 128 bits), fresh every time', async () => {
    const keys = []
    for (let i = 0; i < 20; i++) keys.push(await createKey(server, owner, { name: `k${i}` }))
    const parts = keys.map((key) => {
      expect(key.secret).toMatch(API_KEY_SHAPE)
      const split = splitApiKey(key.secret)
      expect(split.id).toBe(key.id)
      return split
    })
    expect(new Set(parts.map((p) => p.id)).size).toBe(20)
    expect(new Set(parts.map((p) => p.secretPart)).size).toBe(20)
    // 43 symbols of a 62-letter alphabet: 256 bits, if the whole alphabet is really used.
    const symbols = new Set(parts.flatMap((p) => [...p.secretPart]))
    expect(symbols.size).toBeGreaterThan(50)
    expect(43 * Math.log2(symbols.size)).toBeGreaterThanOrEqual(128)
    // The id is not derived from the secret and vice versa.
    for (const { id, secretPart } of parts) expect(secretPart).not.toContain(id)
  })

  it('behavior: expiresInDays sets expiresAt that many days after creation', async () => {
    const key = await createKey(server, owner, { expiresInDays: 30 })
    expect(key.expiresAt).toBe(iso(server.clock.now() + 30 * DAY))
    expect(key.status).toBe('active')
  })

  it('default: a read key authenticates as x-api-key and as Authorization: Bearer', async () => {
    const key = await createKey(server, owner, { scope: 'read' })
    for (const via of ['x-api-key', 'bearer'] as const) {
      const me = await useKey(server, key.secret, { via, url: '/v1/auth/me' })
      expect(me.statusCode).toBe(200)
      expect(me.json()).toEqual({
        account: { id: owner.accountId, address: owner.wallet.address, status: 'active' },
        credential: 'api_key',
        apiKeyId: key.id,
        scopes: ['read'],
      })
      const verify = await useKey(server, key.secret, { via })
      expect(verify.statusCode).toBe(200)
      expect(verify.headers['x-sigil-account']).toBe(owner.accountId)
      expect(verify.headers['x-sigil-credential']).toBe('api_key')
      expect(verify.headers['x-sigil-scope']).toBe('read')
      expect(verify.json()).toEqual({ accountId: owner.accountId, credential: 'api_key', scopes: ['read'] })
    }
  })

  it('default: a trade key reads and trades, and holds nothing more (no account scope)', async () => {
    const key = await createKey(server, owner, { scope: 'trade' })
    for (const url of ['/v1/verify/read', '/v1/verify/trade']) {
      const response = await useKey(server, key.secret, { url })
      expect(response.statusCode).toBe(200)
      expect(response.json().scopes).toEqual(['read', 'trade'])
      expect(response.headers['x-sigil-scope']).toBe('read trade')
    }
  })

  it('default: GET /v1/api-keys lists metadata only, newest first, with status, mask and last use', async () => {
    const first = await createKey(server, owner, { name: 'reader', scope: 'read' })
    const createdFirst = server.clock.now()
    server.clock.advance(1_000)
    const second = await createKey(server, owner, {
      name: 'trader',
      scope: 'trade',
      allowedIps: ['2001:db8::/32'],
      expiresInDays: 7,
    })
    const createdSecond = server.clock.now()
    server.clock.advance(1_000)
    expect((await useKey(server, first.secret, { ip: '198.51.100.23' })).statusCode).toBe(200)

    const response = await listKeys(server, owner)
    expect(response.statusCode).toBe(200)
    const tail = (secret: string) => splitApiKey(secret).secretPart.slice(-4)
    expect(response.json()).toEqual({
      apiKeys: [
        {
          id: second.id,
          name: 'trader',
          scope: 'trade',
          allowedIps: ['2001:db8::/32'],
          status: 'active',
          credential: 'secret',
          masked: `sgl_sk_${second.id}…${tail(second.secret)}`,
          createdAt: iso(createdSecond),
          expiresAt: iso(createdSecond + 7 * DAY),
          lastUsedAt: null,
          lastUsedIp: null,
        },
        {
          id: first.id,
          name: 'reader',
          scope: 'read',
          allowedIps: [],
          status: 'active',
          credential: 'secret',
          masked: `sgl_sk_${first.id}…${tail(first.secret)}`,
          createdAt: iso(createdFirst),
          expiresAt: null,
          lastUsedAt: iso(server.clock.now()),
          lastUsedIp: '198.51.100.23',
        },
      ],
    })
  })

  it('behavior: the list says expired and revoked', async () => {
    const expiring = await createKey(server, owner, { name: 'expiring', expiresInDays: 1 })
    const revoked = await createKey(server, owner, { name: 'revoked' })
    const kept = await createKey(server, owner, { name: 'kept' })
    expect((await revokeKey(server, owner, revoked.id)).statusCode).toBe(204)
    server.clock.advance(DAY)
    owner = await signedIn(server, owner.wallet)
    const statuses = Object.fromEntries(
      (await listKeys(server, owner))
        .json()
        .apiKeys.map((k: { id: string; status: string }) => [k.id, k.status]),
    )
    expect(statuses).toEqual({ [expiring.id]: 'expired', [revoked.id]: 'revoked', [kept.id]: 'active' })
  })

  it('behavior: the listing shows the latest use at once (noted in memory, written off the request path)', async () => {
    const key = await createKey(server, owner)
    const lastUse = async () => {
      const listed = (await listKeys(server, owner)).json().apiKeys[0]
      return [listed.lastUsedAt, listed.lastUsedIp]
    }
    const t0 = server.clock.now()
    await useKey(server, key.secret, { ip: '198.51.100.1' })
    server.clock.advance(30_000)
    expect(await lastUse()).toEqual([iso(t0), '198.51.100.1'])
    await useKey(server, key.secret, { ip: '198.51.100.2' })
    expect(await lastUse()).toEqual([iso(t0 + 30_000), '198.51.100.2'])
    server.clock.advance(30_000)
    await useKey(server, key.secret, { ip: '198.51.100.3' })
    expect(await lastUse()).toEqual([iso(t0 + 60_000), '198.51.100.3'])
  })

  it('default: DELETE revokes at once (204): the secret gets 401 API_KEY_REVOKED, other keys work on', async () => {
    const doomed = await createKey(server, owner, { name: 'doomed' })
    const other = await createKey(server, owner, { name: 'other' })
    expect((await useKey(server, doomed.secret)).statusCode).toBe(200)

    const response = await revokeKey(server, owner, doomed.id)
    expect(response.statusCode).toBe(204)
    expect(response.body).toBe('')

    const refused = await useKey(server, doomed.secret)
    expect(refused.statusCode).toBe(401)
    expect(refused.json().code).toBe('API_KEY_REVOKED')
    expect((await useKey(server, other.secret)).statusCode).toBe(200)
  })

  it('default: rotate answers 200 with a new secret for the same key; the old one stops at once (grace 0)', async () => {
    server.clock.advance(1_000)
    const key = await createKey(server, owner, {
      name: 'bot',
      scope: 'trade',
      allowedIps: ['198.51.100.0/24'],
      expiresInDays: 10,
    })
    server.clock.advance(5_000)
    const response = await rotateKey(server, owner, key.id)
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const rotated = response.json()
    const { id, secretPart } = splitApiKey(rotated.secret)
    expect(id).toBe(key.id)
    expect(rotated.secret).not.toBe(key.secret)
    expect(rotated).toEqual({
      ...key,
      credential: 'secret',
      masked: `sgl_sk_${key.id}…${secretPart.slice(-4)}`,
      secret: rotated.secret,
    })

    const ip = '198.51.100.9'
    expect((await useKey(server, rotated.secret, { ip, url: '/v1/verify/trade' })).statusCode).toBe(200)
    expect((await useKey(server, key.secret, { ip })).statusCode).toBe(401)
  })

  it('behavior: rotate with gracePeriodSeconds keeps the old secret valid for exactly that long', async () => {
    const key = await createKey(server, owner)
    const rotated = (await rotateKey(server, owner, key.id, { gracePeriodSeconds: 120 })).json()
    expect((await useKey(server, key.secret)).statusCode).toBe(200)
    expect((await useKey(server, rotated.secret)).statusCode).toBe(200)
    server.clock.advance(119_999)
    expect((await useKey(server, key.secret)).statusCode).toBe(200)
    server.clock.advance(1)
    expect((await useKey(server, key.secret)).statusCode).toBe(401)
    expect((await useKey(server, rotated.secret)).statusCode).toBe(200)
  })

  it('behavior: rotation keeps the expiry: it never extends a key past its expiresAt', async () => {
    const key = await createKey(server, owner, { expiresInDays: 1 })
    server.clock.advance(DAY - 1_000)
    owner = await signedIn(server, owner.wallet)
    const rotated = (await rotateKey(server, owner, key.id)).json()
    expect(rotated.expiresAt).toBe(key.expiresAt)
    expect((await useKey(server, rotated.secret)).statusCode).toBe(200)
    server.clock.advance(1_000)
    const refused = await useKey(server, rotated.secret)
    expect(refused.statusCode).toBe(401)
    expect(refused.json().code).toBe('API_KEY_EXPIRED')
  })

  it('behavior: the per-account limit counts active keys only (409 API_KEY_LIMIT_REACHED)', async () => {
    await server.close()
    server = await startTestServer({ apiKeysPerAccountMax: 2 })
    owner = await signedIn(server)
    const a = await createKey(server, owner, { name: 'a' })
    await createKey(server, owner, { name: 'b', expiresInDays: 1 })
    const full = await createKeyRequest(server, owner, { name: 'c', scope: 'read' })
    expect(full.statusCode).toBe(409)
    expect(full.json().code).toBe('API_KEY_LIMIT_REACHED')
    // Another account has its own budget.
    await createKey(server, await signedIn(server), { name: 'elsewhere' })

    expect((await revokeKey(server, owner, a.id)).statusCode).toBe(204)
    await createKey(server, owner, { name: 'c' })
    expect((await createKeyRequest(server, owner, { name: 'd', scope: 'read' })).statusCode).toBe(409)
    server.clock.advance(DAY)
    owner = await signedIn(server, owner.wallet)
    await createKey(server, owner, { name: 'd' })
  })

  it('behavior: keys belong to their account: another account lists none of them', async () => {
    await createKey(server, owner)
    const stranger = await signedIn(server)
    const response = await listKeys(server, stranger)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ apiKeys: [] })
  })

  it('behavior: create, rotate and revoke are audited with the key id and the client IP', async () => {
    const key = await createKey(server, owner, { scope: 'trade' })
    await rotateKey(server, owner, key.id, { gracePeriodSeconds: 30 })
    await revokeKey(server, owner, key.id)
    const events = (await dumpDatabase(server.stores)).audit_events!.filter((e) =>
      String(e.type).startsWith('api_key.'),
    )
    expect(
      events.map((e) => ({
        type: e.type,
        account: e.account_id,
        ip: e.ip,
        detail: JSON.parse(String(e.detail)),
      })),
    ).toEqual([
      {
        type: 'api_key.created',
        account: owner.accountId,
        ip: '127.0.0.1',
        detail: { key: key.id, scope: 'trade' },
      },
      {
        type: 'api_key.rotated',
        account: owner.accountId,
        ip: '127.0.0.1',
        detail: { key: key.id, graceSeconds: 30 },
      },
      { type: 'api_key.revoked', account: owner.accountId, ip: '127.0.0.1', detail: { key: key.id } },
    ])
  })
})

describe('API key edges found in review', () => {
  it('behavior: rotate with no body at all uses the default grace (0); revoking an expired key is 404', async () => {
    const server = await startTestServer()
    try {
      const wallet = newWallet()
      const bearer = async () => ({
        authorization: `Bearer ${(await signIn(server.app, wallet, server.clock.now())).json().accessToken}`,
      })
      const headers = await bearer()
      const created = await server.app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers,
        payload: { name: 'k', scope: 'read', expiresInDays: 1 },
      })
      const id = created.json().id
      expect(
        (await server.app.inject({ method: 'POST', url: `/v1/api-keys/${id}/rotate`, headers })).statusCode,
      ).toBe(200)
      const old = await server.app.inject({
        url: '/v1/verify/read',
        headers: { 'x-api-key': created.json().secret },
      })
      expect(old.statusCode).toBe(401)
      server.clock.advance(86_400_000)
      const revoke = await server.app.inject({
        method: 'DELETE',
        url: `/v1/api-keys/${id}`,
        headers: await bearer(),
      })
      expect([revoke.statusCode, revoke.json().code]).toEqual([404, 'API_KEY_NOT_FOUND'])
    } finally {
      await server.close()
    }
  })
})
