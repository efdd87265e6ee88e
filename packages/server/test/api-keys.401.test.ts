import { createHash, randomBytes } from 'node:crypto'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { describe, expect, it } from 'vitest'
import {
  cellsAsText,
  createKey,
  createKeyRequest,
  dumpDatabase,
  listKeys,
  revokeKey,
  rotateKey,
  type SignedIn,
  signedIn,
  splitApiKey,
  startLoggedTestServer,
  useKey,
  useSignedInServer,
} from './support/api-keys.js'
import { expectProblem } from './support/problem.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { signIn } from './support/wallet.js'

const DAY = 86_400_000
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const randomBase62 = (length: number) => [...randomBytes(length)].map((byte) => BASE62[byte % 62]).join('')
const swapCase = (text: string) =>
  [...text].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('')
const sha256 = (text: string) => createHash('sha256').update(text).digest()

/** A refused credential carries the RFC 6750 challenge. */
const CHALLENGED = { headers: { 'www-authenticate': /^Bearer/ } }

/** Stolen, guessed, revoked, expired and misused API keys (docs/api.md, docs/errors.md). */
describe('API keys: attacks are refused', () => {
  let server: TestServer
  let owner: SignedIn
  useSignedInServer((started) => ({ server, owner } = started))

  describe('guessing', () => {
    it('error: the right id with a wrong secret is 401 API_KEY_INVALID, the same answer as an unknown id', async () => {
      const key = await createKey(server, owner)
      const { id, secretPart } = splitApiKey(key.secret)
      const flipped = secretPart.slice(0, -1) + (secretPart.endsWith('a') ? 'b' : 'a')
      const attempts = [
        `sgl_sk_${id}${randomBase62(43)}`, // the public id, a guessed secret
        `sgl_sk_${id}${flipped}`, // one character off
        `sgl_sk_${randomBase62(16)}${secretPart}`, // the right secret, an unknown id
        `sgl_sk_${randomBase62(16)}${randomBase62(43)}`, // all made up
      ]
      const bodies = new Set<string>()
      for (const attempt of attempts) {
        for (const via of ['x-api-key', 'bearer'] as const) {
          const response = await useKey(server, attempt, { via })
          expectProblem(response, 401, 'API_KEY_INVALID', CHALLENGED)
          bodies.add(response.body)
        }
      }
      // One body for all: nothing tells an attacker that the id exists.
      expect(bodies.size).toBe(1)
      expect((await useKey(server, key.secret)).statusCode).toBe(200)
    })

    it("error: one key's id with another key's secret is API_KEY_INVALID (a secret is bound to its id)", async () => {
      const a = splitApiKey((await createKey(server, owner, { name: 'a' })).secret)
      const b = splitApiKey((await createKey(server, owner, { name: 'b' })).secret)
      expectProblem(await useKey(server, `sgl_sk_${a.id}${b.secretPart}`), 401, 'API_KEY_INVALID', CHALLENGED)
      expectProblem(await useKey(server, `sgl_sk_${b.id}${a.secretPart}`), 401, 'API_KEY_INVALID', CHALLENGED)
    })

    it('error: malformed keys are API_KEY_INVALID (prefix only, truncated, extended, wrong alphabet, case)', async () => {
      const { secret } = await createKey(server, owner)
      const { id, secretPart } = splitApiKey(secret)
      // Base62 ids of 16 and secrets of 43 characters hold letters (all digits: odds of ~1e-10).
      expect([swapCase(id) === id, swapCase(secretPart) === secretPart]).toEqual([false, false])
      const malformed = [
        'sgl_sk_',
        secret.slice(0, -1),
        `${secret}0`,
        `${secret.slice(0, -1)}-`,
        `sgl_sk_${swapCase(id)}${secretPart}`,
        `sgl_sk_${id}${swapCase(secretPart)}`,
        `SGL_SK_${id}${secretPart}`,
        `sgl_pk_${id}${secretPart}`,
        `sgl_sk_${id}`,
        secretPart,
        `${secret} ${secret}`,
      ]
      for (const attempt of malformed)
        expectProblem(await useKey(server, attempt), 401, 'API_KEY_INVALID', CHALLENGED)
    })

    it('error: an access JWT or a refresh token in x-api-key is not an API key (API_KEY_INVALID)', async () => {
      const tokens = (await signIn(server.app, owner.wallet, server.clock.now())).json()
      expectProblem(await useKey(server, tokens.accessToken), 401, 'API_KEY_INVALID', CHALLENGED)
      expectProblem(await useKey(server, tokens.refreshToken), 401, 'API_KEY_INVALID', CHALLENGED)
    })

    it('error: a wrong secret for a revoked, expired or IP-bound key is API_KEY_INVALID (no status oracle)', async () => {
      const revoked = splitApiKey((await createKey(server, owner, { name: 'r' })).secret)
      await revokeKey(server, owner, revoked.id)
      const expiring = splitApiKey((await createKey(server, owner, { name: 'e', expiresInDays: 1 })).secret)
      const bound = splitApiKey(
        (await createKey(server, owner, { name: 'i', allowedIps: ['192.0.2.1'] })).secret,
      )
      server.clock.advance(DAY)
      for (const { id } of [revoked, expiring, bound]) {
        expectProblem(
          await useKey(server, `sgl_sk_${id}${randomBase62(43)}`, { ip: '203.0.113.50' }),
          401,
          'API_KEY_INVALID',
          CHALLENGED,
        )
      }
    })
  })

  describe('revoked and expired keys', () => {
    it('error: a revoked key is 401 API_KEY_REVOKED at once, with either header, on every route', async () => {
      const key = await createKey(server, owner, { scope: 'trade' })
      expect((await useKey(server, key.secret, { url: '/v1/verify/trade' })).statusCode).toBe(200)
      expect((await revokeKey(server, owner, key.id)).statusCode).toBe(204)
      for (const via of ['x-api-key', 'bearer'] as const) {
        for (const url of ['/v1/verify/read', '/v1/verify/trade', '/v1/auth/me', '/v1/api-keys']) {
          expectProblem(await useKey(server, key.secret, { via, url }), 401, 'API_KEY_REVOKED', CHALLENGED)
        }
      }
    })

    it('error: a revoked key stays revoked: it cannot be revoked again nor rotated back to life (404)', async () => {
      const key = await createKey(server, owner)
      await revokeKey(server, owner, key.id)
      expectProblem(await revokeKey(server, owner, key.id), 404, 'API_KEY_NOT_FOUND')
      expectProblem(await rotateKey(server, owner, key.id), 404, 'API_KEY_NOT_FOUND')
      expectProblem(await useKey(server, key.secret), 401, 'API_KEY_REVOKED', CHALLENGED)
    })

    it('error: revoking during a rotation grace period ends the old and the new secret at once', async () => {
      const key = await createKey(server, owner)
      const rotated = (await rotateKey(server, owner, key.id, { gracePeriodSeconds: 3600 })).json()
      expect((await useKey(server, key.secret)).statusCode).toBe(200)
      await revokeKey(server, owner, key.id)
      expect((await useKey(server, key.secret)).statusCode).toBe(401)
      expectProblem(await useKey(server, rotated.secret), 401, 'API_KEY_REVOKED', CHALLENGED)
    })

    it('error: an expired key is 401 API_KEY_EXPIRED from the instant expiresAt is reached', async () => {
      const key = await createKey(server, owner, { expiresInDays: 2 })
      server.clock.advance(2 * DAY - 1)
      expect((await useKey(server, key.secret)).statusCode).toBe(200)
      server.clock.advance(1)
      for (const via of ['x-api-key', 'bearer'] as const) {
        expectProblem(await useKey(server, key.secret, { via }), 401, 'API_KEY_EXPIRED', CHALLENGED)
      }
      owner = await signedIn(server, owner.wallet)
      expectProblem(await rotateKey(server, owner, key.id), 404, 'API_KEY_NOT_FOUND')
    })

    it('error: the secret a rotation replaced is refused at once without a grace period (401)', async () => {
      const key = await createKey(server, owner)
      const rotated = (await rotateKey(server, owner, key.id, { gracePeriodSeconds: 0 })).json()
      const refused = await useKey(server, key.secret)
      expect(refused.statusCode).toBe(401)
      // A replaced secret is no longer the key's: indistinguishable from a wrong one (docs/errors.md).
      expect(refused.json().code).toBe('API_KEY_INVALID')
      expect((await useKey(server, rotated.secret)).statusCode).toBe(200)
    })

    it('error: after its grace period the old secret is refused; a second rotation ends the first grace at once', async () => {
      const key = await createKey(server, owner)
      const second = (await rotateKey(server, owner, key.id, { gracePeriodSeconds: 600 })).json()
      server.clock.advance(60_000)
      const third = (await rotateKey(server, owner, key.id, { gracePeriodSeconds: 600 })).json()
      // Only the secret just replaced keeps a grace period; the one before it is gone now.
      expect((await useKey(server, key.secret)).statusCode).toBe(401)
      expect((await useKey(server, second.secret)).statusCode).toBe(200)
      expect((await useKey(server, third.secret)).statusCode).toBe(200)
      server.clock.advance(600_000)
      expect((await useKey(server, second.secret)).statusCode).toBe(401)
      expect((await useKey(server, third.secret)).statusCode).toBe(200)
    })
  })

  describe('scope and IP', () => {
    it('error: a read key on the trade route is 403 SCOPE_MISSING, with either header', async () => {
      const key = await createKey(server, owner, { scope: 'read' })
      for (const via of ['x-api-key', 'bearer'] as const) {
        expectProblem(
          await useKey(server, key.secret, { via, url: '/v1/verify/trade' }),
          403,
          'SCOPE_MISSING',
        )
        expect((await useKey(server, key.secret, { via, url: '/v1/verify/read' })).statusCode).toBe(200)
      }
    })

    it('error: a key from a disallowed IP is 403 IP_NOT_ALLOWED; a spoofed X-Forwarded-For changes nothing', async () => {
      const key = await createKey(server, owner, { allowedIps: ['198.51.100.7'] })
      expect((await useKey(server, key.secret, { ip: '198.51.100.7' })).statusCode).toBe(200)
      expectProblem(await useKey(server, key.secret, { ip: '203.0.113.66' }), 403, 'IP_NOT_ALLOWED')
      for (const header of ['x-forwarded-for', 'x-real-ip', 'forwarded', 'true-client-ip']) {
        const value = header === 'forwarded' ? 'for=198.51.100.7' : '198.51.100.7'
        expectProblem(
          await useKey(server, key.secret, { ip: '203.0.113.66', headers: { [header]: value } }),
          403,
          'IP_NOT_ALLOWED',
        )
      }
      // A refused use is not a use: the last-used IP is the allowed one.
      expect((await listKeys(server, owner)).json().apiKeys[0].lastUsedIp).toBe('198.51.100.7')
    })

    it('error: a pending account (invites required) gets 403 INVITE_REQUIRED for a trade key; its read key cannot trade', async () => {
      await server.close()
      server = await startTestServer({ invitesRequired: true })
      owner = await signedIn(server)
      expectProblem(
        await createKeyRequest(server, owner, { name: 't', scope: 'trade' }),
        403,
        'INVITE_REQUIRED',
      )
      expect((await listKeys(server, owner)).json().apiKeys).toEqual([])
      const read = await createKey(server, owner, { scope: 'read' })
      expectProblem(await useKey(server, read.secret, { url: '/v1/verify/trade' }), 403, 'SCOPE_MISSING')
    })

    it('error: a create body cannot ask for more than read or trade, nor smuggle fields (400)', async () => {
      const bodies: Record<string, unknown>[] = [
        { name: 'x', scope: 'account' },
        { name: 'x', scope: 'withdraw' },
        { name: 'x', scope: ['read', 'trade'] },
        { name: 'x', scopes: ['account'], scope: 'read' },
        { name: 'x', scope: 'read', secret: `sgl_sk_${randomBase62(59)}` },
        { name: 'x', scope: 'read', id: randomBase62(16) },
        { name: 'x', scope: 'read', accountId: owner.accountId },
        { name: '', scope: 'read' },
        { name: 'x'.repeat(65), scope: 'read' },
        { scope: 'read' },
        { name: 'x', scope: 'read', expiresInDays: 0 },
        { name: 'x', scope: 'read', expiresInDays: 3651 },
        { name: 'x', scope: 'read', expiresInDays: 1.5 },
        { name: 'x', scope: 'read', expiresInDays: '30' },
      ]
      for (const body of bodies) {
        expectProblem(await createKeyRequest(server, owner, body), 400, 'VALIDATION_FAILED')
      }
      expect((await listKeys(server, owner)).json().apiKeys).toEqual([])
    })
  })

  describe('key management needs a wallet sign-in', () => {
    it('error: an API key (read or trade, either header) cannot create, list, rotate or revoke keys: 403, nothing changes', async () => {
      const target = await createKey(server, owner, { name: 'target', scope: 'trade' })
      const keys = {
        read: await createKey(server, owner, { name: 'read', scope: 'read' }),
        trade: await createKey(server, owner, { name: 'trade', scope: 'trade' }),
      }
      // Everything but the last use (a refused management call is still an authenticated use).
      const snapshot = async () =>
        (await listKeys(server, owner))
          .json()
          .apiKeys.map(({ lastUsedAt: _at, lastUsedIp: _ip, ...rest }: Record<string, unknown>) => rest)
      const before = await snapshot()
      expect(before).toHaveLength(3)
      for (const key of Object.values(keys)) {
        for (const via of ['x-api-key', 'bearer'] as const) {
          const credential: Record<string, string> =
            via === 'bearer' ? { authorization: `Bearer ${key.secret}` } : { 'x-api-key': key.secret }
          const attempts = [
            { method: 'POST', url: '/v1/api-keys', payload: { name: 'escalate', scope: 'trade' } },
            { method: 'GET', url: '/v1/api-keys' },
            { method: 'POST', url: `/v1/api-keys/${target.id}/rotate`, payload: { gracePeriodSeconds: 0 } },
            { method: 'POST', url: `/v1/api-keys/${key.id}/rotate`, payload: {} },
            { method: 'DELETE', url: `/v1/api-keys/${target.id}` },
            { method: 'DELETE', url: `/v1/api-keys/${key.id}` },
          ] as const
          for (const attempt of attempts) {
            const response = await server.app.inject({ ...attempt, headers: credential })
            expectProblem(response, 403, 'SCOPE_MISSING')
            expect(response.body).not.toContain('sgl_sk_')
          }
        }
      }
      expect(await snapshot()).toEqual(before)
      expect((await useKey(server, target.secret, { url: '/v1/verify/trade' })).statusCode).toBe(200)
      for (const key of Object.values(keys)) expect((await useKey(server, key.secret)).statusCode).toBe(200)
    })

    it("error: an account cannot revoke, rotate or see another account's key (404), and that key keeps working", async () => {
      const victim = await createKey(server, owner, { scope: 'trade' })
      const attacker = await signedIn(server)
      expectProblem(await revokeKey(server, attacker, victim.id), 404, 'API_KEY_NOT_FOUND')
      const rotate = await rotateKey(server, attacker, victim.id, { gracePeriodSeconds: 86_400 })
      expectProblem(rotate, 404, 'API_KEY_NOT_FOUND')
      expect(rotate.body).not.toContain('sgl_sk_')
      expect((await listKeys(server, attacker)).json()).toEqual({ apiKeys: [] })
      expect((await useKey(server, victim.secret, { url: '/v1/verify/trade' })).statusCode).toBe(200)
      expect((await listKeys(server, owner)).json().apiKeys[0].status).toBe('active')
    })

    it('error: managing keys with no credential, or with a revoked key, is 401', async () => {
      const key = await createKey(server, owner)
      expectProblem(
        await server.app.inject({ method: 'GET', url: '/v1/api-keys' }),
        401,
        'CREDENTIAL_MISSING',
        CHALLENGED,
      )
      expectProblem(
        await server.app.inject({
          method: 'POST',
          url: '/v1/api-keys',
          payload: { name: 'x', scope: 'read' },
        }),
        401,
        'CREDENTIAL_MISSING',
        CHALLENGED,
      )
      await revokeKey(server, owner, key.id)
      expectProblem(
        await useKey(server, key.secret, { url: '/v1/api-keys' }),
        401,
        'API_KEY_REVOKED',
        CHALLENGED,
      )
    })
  })

  describe('the secret never leaks', () => {
    it('behavior: the secret is absent from every list, later response and error body', async () => {
      const created = await createKeyRequest(server, owner, { name: 'leak?', scope: 'trade' })
      const key = created.json()
      const { secretPart } = splitApiKey(key.secret)
      // The one response that carries it.
      expect(created.body).toContain(key.secret)

      const responses: LightMyRequestResponse[] = []
      const send = async (request: InjectOptions) => {
        const response = await server.app.inject(request)
        responses.push(response)
        return response
      }
      await send({ method: 'GET', url: '/v1/api-keys', headers: owner.headers })
      await send({ method: 'GET', url: '/v1/auth/me', headers: { 'x-api-key': key.secret } })
      await send({ method: 'GET', url: '/v1/verify/trade', headers: { 'x-api-key': key.secret } })
      await send({ method: 'GET', url: '/v1/api-keys', headers: { 'x-api-key': key.secret } })
      await send({ method: 'GET', url: '/v1/auth/sessions', headers: owner.headers })
      await send({ method: 'GET', url: '/openapi.json' })
      await send({
        method: 'POST',
        url: '/v1/api-keys',
        headers: owner.headers,
        payload: { name: 'x', scope: 'read', note: key.secret },
      })
      await send({
        method: 'POST',
        url: '/v1/api-keys',
        headers: owner.headers,
        payload: { name: 'x', scope: 'read', allowedIps: [key.secret.slice(0, 64)] },
      })
      await send({
        method: 'GET',
        url: '/v1/verify/read',
        headers: { authorization: `Bearer ${key.secret}x` },
      })
      const rotated = await send({
        method: 'POST',
        url: `/v1/api-keys/${key.id}/rotate`,
        headers: owner.headers,
        payload: { gracePeriodSeconds: 60 },
      })
      await send({ method: 'GET', url: '/v1/api-keys', headers: owner.headers })
      await send({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: owner.headers })
      await send({ method: 'GET', url: '/v1/verify/read', headers: { 'x-api-key': key.secret } })
      await send({ method: 'GET', url: '/v1/api-keys', headers: owner.headers })

      const newPart = splitApiKey(rotated.json().secret).secretPart
      for (const [i, response] of responses.entries()) {
        const text = response.body + JSON.stringify(response.headers)
        expect([i, text.includes(secretPart.slice(0, 20)), text.includes(secretPart.slice(-20))]).toEqual([
          i,
          false,
          false,
        ])
        if (response !== rotated) expect([i, text.includes(newPart.slice(0, 20))]).toEqual([i, false])
      }
    })

    it('behavior: the database holds SHA-256 of the secret part, never the secret (any table, any encoding)', async () => {
      const key = await createKey(server, owner, { scope: 'trade' })
      const first = splitApiKey(key.secret)
      await useKey(server, key.secret)
      await useKey(server, `${key.secret.slice(0, -1)}x`)
      const rotated = (await rotateKey(server, owner, key.id, { gracePeriodSeconds: 60 })).json()
      const second = splitApiKey(rotated.secret)
      await useKey(server, rotated.secret, { url: '/v1/verify/trade' })

      const dump = await dumpDatabase(server.stores)
      const row = dump.api_keys!.find((r) => r.id === key.id)!
      expect(Buffer.from(row.secret_hash as Uint8Array)).toEqual(sha256(second.secretPart))
      expect(Buffer.from(row.previous_secret_hash as Uint8Array)).toEqual(sha256(first.secretPart))
      expect(row.secret_tail).toBe(second.secretPart.slice(-4))

      const cells = cellsAsText(dump)
      for (const part of [first.secretPart, second.secretPart]) {
        const leaks = cells.filter(
          (cell) => cell.includes(part.slice(0, 16)) || cell.includes(part.slice(-16)),
        )
        expect(leaks).toEqual([])
      }

      await revokeKey(server, owner, key.id)
      const revoked = (await dumpDatabase(server.stores)).api_keys!.find((r) => r.id === key.id)!
      expect(revoked.previous_secret_hash).toBeNull()
    })

    it('behavior: no log line holds a secret or a token, even at trace level', async () => {
      const logged = await startLoggedTestServer({ trustedProxies: ['127.0.0.1'] })
      try {
        const as = await signedIn(logged)
        const key = await createKey(logged, as, { scope: 'read', allowedIps: ['198.51.100.0/24'] })
        const rotated = (await rotateKey(logged, as, key.id, { gracePeriodSeconds: 60 })).json()
        const forwarded = { 'x-forwarded-for': '198.51.100.9' }
        await useKey(logged, key.secret, { headers: forwarded })
        await useKey(logged, rotated.secret, { via: 'bearer', headers: forwarded })
        await useKey(logged, rotated.secret, { url: '/v1/verify/trade', headers: forwarded })
        await useKey(logged, rotated.secret, { url: '/v1/api-keys', headers: forwarded })
        await useKey(logged, rotated.secret, { headers: { 'x-forwarded-for': '203.0.113.1' } })
        await useKey(logged, `${rotated.secret.slice(0, -2)}zz`)
        await useKey(logged, `${rotated.secret}zz`, { via: 'bearer' })
        await revokeKey(logged, as, key.id)
        await useKey(logged, rotated.secret, { headers: forwarded })
        logged.clock.advance(3_600_000)
        await useKey(logged, key.secret, { headers: forwarded })

        const lines = logged.lines
        // The capture works: the refusals were logged, with their codes.
        const refused = lines.filter((l) => l.includes('request refused')).map((l) => JSON.parse(l).code)
        expect(refused).toEqual(
          expect.arrayContaining(['SCOPE_MISSING', 'IP_NOT_ALLOWED', 'API_KEY_INVALID', 'API_KEY_REVOKED']),
        )
        const secrets = [key.secret, rotated.secret, as.accessToken].flatMap((s) =>
          s.startsWith('sgl_sk_')
            ? [splitApiKey(s).secretPart.slice(0, 16), splitApiKey(s).secretPart.slice(-16)]
            : [s.split('.')[2]!],
        )
        for (const secret of secrets) expect(lines.filter((line) => line.includes(secret))).toEqual([])
      } finally {
        await logged.close()
      }
    })
  })
})
