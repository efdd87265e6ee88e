import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto'
import type { PublicKeyJwk } from '@sigil/protocol/http-signatures'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { isAuthError } from '../../src/core/errors.js'
import type { Address, ApiKey, RefreshToken, Session, StoredSigningKey } from '../../src/core/ports.js'
import { createSessionService } from '../../src/core/sessions/create-session-service.js'
import { createRevocationList } from '../../src/core/sessions/revocation-list.js'
import { createManualClock } from '../support/manual-clock.js'
import { tally } from '../support/race.js'
import { race, STORE_BACKENDS } from './backends.js'

/**
 * One suite, every durable port, every SQL backend: SQLite (one file, one connection, as a
 * process runs it) and PostgreSQL (a database of this file's own, racers on several pools and
 * connections). Semantics must not differ between them, least of all under races.
 */

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)
const id = (prefix = '') => `${prefix}${randomBytes(8).toString('hex')}`
const address = (): Address => `0x${randomBytes(20).toString('hex')}`
const hash = (text = id()) => new Uint8Array(createHash('sha256').update(text).digest())
const N = 12

describe.each(STORE_BACKENDS)('conformance: $name', (backend) => {
  const db = backend.use()
  const stores = () => db.stores()
  const newAccount = (status: 'active' | 'pending' = 'active') =>
    stores().accounts.findOrCreateByAddress(address(), T0, status)

  describe('accounts', () => {
    it('behavior: finds or creates by address, case-insensitively, with numbers for times', async () => {
      const wallet = address()
      const created = await stores().accounts.findOrCreateByAddress(wallet, T0, 'pending')
      expect(created).toEqual({ id: expect.any(String), address: wallet, status: 'pending', createdAt: T0 })
      const again = await stores().accounts.findOrCreateByAddress(
        wallet.toUpperCase().replace('0X', '0x') as Address,
        T0 + 5,
        'active',
      )
      expect(again).toEqual(created)
      expect(await stores().accounts.findById(created.id)).toEqual(created)
      expect(await stores().accounts.findByAddress(wallet)).toEqual(created)
      expect(await stores().accounts.findById('nobody')).toBeUndefined()
      expect(await stores().accounts.findByAddress(address())).toBeUndefined()
    })

    it('race: concurrent first sign-ins of one wallet end in one account, all told it', async () => {
      const wallet = address()
      const results = await race(await db.racers(), N, (s) =>
        s.accounts.findOrCreateByAddress(wallet, T0, 'active'),
      )
      const ids = new Set(results.map((r) => (r.status === 'fulfilled' ? r.value.id : 'failed')))
      expect(ids.size).toBe(1)
      expect(ids.has('failed')).toBe(false)
    })
  })

  describe('challenges', () => {
    const challenge = (overrides: Partial<{ address: Address; expiresAt: number }> = {}) => ({
      nonce: id('n'),
      purpose: 'native',
      createdAt: T0,
      expiresAt: T0 + 60_000,
      ...overrides,
    })

    it('behavior: consume says consumed once, then used; unknown, expired, address_mismatch', async () => {
      const wallet = address()
      const c = challenge({ address: wallet.toLowerCase() as Address })
      await stores().challenges.insert(c)
      const expect_ = { purpose: 'native', address: wallet.toLowerCase() as Address, now: T0 + 1 }
      expect(await stores().challenges.consume(c.nonce, { ...expect_, address: address() })).toEqual({
        status: 'address_mismatch',
      })
      expect(await stores().challenges.consume(c.nonce, { ...expect_, purpose: 'paradex' })).toEqual({
        status: 'unknown',
      })
      expect(await stores().challenges.consume(c.nonce, expect_)).toEqual({
        status: 'consumed',
        challenge: c,
      })
      expect(await stores().challenges.consume(c.nonce, expect_)).toEqual({ status: 'used' })
      expect(await stores().challenges.consume(id(), expect_)).toEqual({ status: 'unknown' })
      const old = challenge()
      await stores().challenges.insert(old)
      expect(await stores().challenges.consume(old.nonce, { ...expect_, now: old.expiresAt })).toEqual({
        status: 'expired',
      })
    })

    it('behavior: a duplicate nonce is a plain error (never an overwrite, never an outage)', async () => {
      const c = challenge()
      await stores().challenges.insert(c)
      const error = await stores()
        .challenges.insert({ ...c, purpose: 'other' })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect(isAuthError(error)).toBe(false)
    })

    it('behavior: deleteExpired forgets what expired by now', async () => {
      const gone = challenge({ expiresAt: T0 - 1 })
      const kept = challenge({ expiresAt: T0 + 1_000_000 })
      await stores().challenges.insert(gone)
      await stores().challenges.insert(kept)
      expect(await stores().challenges.deleteExpired(T0)).toBeGreaterThanOrEqual(1)
      const now = { purpose: 'native', address: address(), now: T0 }
      expect(await stores().challenges.consume(gone.nonce, now)).toEqual({ status: 'unknown' })
      expect((await stores().challenges.consume(kept.nonce, now)).status).toBe('consumed')
    })

    it('race: N concurrent consumers of one nonce, exactly one consumes it', async () => {
      const c = challenge()
      await stores().challenges.insert(c)
      const results = await race(await db.racers(), N, (s) =>
        s.challenges.consume(c.nonce, { purpose: 'native', address: address(), now: T0 + 1 }),
      )
      const statuses = results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'failed'))
      expect(statuses.filter((s) => s === 'consumed')).toHaveLength(1)
      expect(statuses.filter((s) => s === 'used')).toHaveLength(N - 1)
    })
  })

  describe('sessions', () => {
    const session = (accountId: string, overrides: Partial<Session> = {}): Session => ({
      id: id('s'),
      accountId,
      kind: 'token',
      createdAt: T0,
      expiresAt: T0 + 86_400_000,
      lastUsedAt: T0,
      ...overrides,
    })
    const token = (sessionId: string, overrides: Partial<RefreshToken> = {}): RefreshToken => ({
      id: id('r'),
      sessionId,
      secretHash: hash(),
      createdAt: T0,
      expiresAt: T0 + 3_600_000,
      ...overrides,
    })

    it('behavior: a contract wallet session round-trips its sign-in check; an EOA session has none', async () => {
      const account = await newAccount()
      const contractWallet = {
        chainId: 8453,
        address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address,
        hash: `0x${'ab'.repeat(32)}` as const,
        signature: `0x${'cd'.repeat(200)}${'6492'.repeat(16)}` as const,
      }
      const wallet = session(account.id, { contractWallet })
      const eoa = session(account.id)
      const t = token(wallet.id)
      await stores().sessions.create(wallet, t)
      await stores().sessions.create(eoa, token(eoa.id))
      expect(await stores().sessions.find(wallet.id)).toEqual(wallet)
      expect((await stores().sessions.findRefreshToken(t.id))!.session.contractWallet).toEqual(contractWallet)
      expect(await stores().sessions.find(eoa.id)).not.toHaveProperty('contractWallet')
      const active = await stores().sessions.listActiveOfAccount(account.id, T0 + 1)
      expect(active.find((s) => s.id === wallet.id)?.contractWallet).toEqual(contractWallet)
    })

    it('behavior: a sign-in audit event is written with its session, and not at all when the session is not', async () => {
      const account = await newAccount()
      const s = session(account.id)
      const event = (n: number) => ({
        at: T0,
        type: 'sign_in.succeeded' as const,
        accountId: account.id,
        ip: '203.0.113.9',
        detail: { session: s.id, n },
      })
      await stores().sessions.create(s, token(s.id), event(1))
      // The same session id again: the transaction fails, so neither its token nor its event lands.
      const again = token(s.id)
      await expect(stores().sessions.create(s, again, event(2))).rejects.toThrow()
      expect(await stores().sessions.findRefreshToken(again.id)).toBeUndefined()
      const events = await stores().audit.query({ accountId: account.id, limit: 10 })
      expect(events.map(({ id: _, ...e }) => e)).toEqual([event(1)])
    })

    it('behavior: a session and its first refresh token round-trip, bytes as Uint8Array', async () => {
      const account = await newAccount()
      const s = session(account.id, {
        ip: '203.0.113.7',
        userAgent: 'ua',
        kind: 'cookie',
        secretHash: hash(),
      })
      const t = token(s.id)
      await stores().sessions.create(s, t)
      expect(await stores().sessions.find(s.id)).toEqual(s)
      const found = await stores().sessions.findRefreshToken(t.id)
      expect(found).toEqual({ token: t, session: s })
      expect(found!.token.secretHash).toBeInstanceOf(Uint8Array)
      expect(Buffer.from(found!.token.secretHash).equals(Buffer.from(t.secretHash))).toBe(true)
      expect(await stores().sessions.find('nope')).toBeUndefined()
      expect(await stores().sessions.findRefreshToken('nope')).toBeUndefined()
    })

    it('behavior: a session whose first refresh token cannot be stored is not stored either', async () => {
      const account = await newAccount()
      const s = session(account.id)
      const first = token(s.id)
      await stores().sessions.create(s, first)
      const clash = session(account.id)
      await expect(stores().sessions.create(clash, { ...first, sessionId: clash.id })).rejects.toThrow()
      expect(await stores().sessions.find(clash.id)).toBeUndefined()
    })

    it('behavior: rotation rotates once, refuses inside an ended session, revoke is once', async () => {
      const account = await newAccount()
      const s = session(account.id)
      const first = token(s.id)
      await stores().sessions.create(s, first)
      const next = token(s.id, { createdAt: T0 + 10 })
      expect(await stores().sessions.rotateRefreshToken(first.id, next, T0 + 10)).toBe('rotated')
      expect((await stores().sessions.findRefreshToken(first.id))!.token.usedAt).toBe(T0 + 10)
      expect((await stores().sessions.find(s.id))!.lastUsedAt).toBe(T0 + 10)
      expect(await stores().sessions.rotateRefreshToken(first.id, token(s.id), T0 + 11)).toBe('already_used')

      expect(await stores().sessions.revoke(s.id, T0 + 20)).toBe(true)
      expect(await stores().sessions.revoke(s.id, T0 + 21)).toBe(false)
      const late = token(s.id)
      expect(await stores().sessions.rotateRefreshToken(next.id, late, T0 + 30)).toBe('session_inactive')
      expect(await stores().sessions.findRefreshToken(late.id)).toBeUndefined()
      await stores().sessions.touch(s.id, T0 + 40)
      expect(await stores().sessions.find(s.id)).toMatchObject({ revokedAt: T0 + 20, lastUsedAt: T0 + 10 })
    })

    it('behavior: revokeAllOfAccount, listRevokedSince, listActiveOfAccount, touch, deleteEndedBefore', async () => {
      const account = await newAccount()
      const a = session(account.id, { createdAt: T0 })
      const b = session(account.id, { createdAt: T0 + 1, kind: 'cookie', secretHash: hash() })
      const expired = session(account.id, { createdAt: T0 + 2, expiresAt: T0 + 100 })
      for (const s of [a, b, expired]) await stores().sessions.create(s, token(s.id))
      expect((await stores().sessions.listActiveOfAccount(account.id, T0 + 200)).map((s) => s.id)).toEqual([
        b.id,
        a.id,
      ])
      await stores().sessions.touch(b.id, T0 + 300, T0 + 999_999_999)
      expect(await stores().sessions.find(b.id)).toMatchObject({
        lastUsedAt: T0 + 300,
        expiresAt: T0 + 999_999_999,
      })
      expect((await stores().sessions.revokeAllOfAccount(account.id, T0 + 400)).sort()).toEqual(
        [a.id, b.id, expired.id].sort(),
      )
      expect(await stores().sessions.revokeAllOfAccount(account.id, T0 + 401)).toEqual([])
      const revoked = await stores().sessions.listRevokedSince(T0 + 400)
      expect(revoked.filter((r) => [a.id, b.id].includes(r.id))).toHaveLength(2)
      expect(revoked.every((r) => typeof r.revokedAt === 'number')).toBe(true)
      expect(await stores().sessions.deleteEndedBefore(T0 + 401)).toBeGreaterThanOrEqual(3)
      expect(await stores().sessions.find(a.id)).toBeUndefined()
    })

    it('race: N concurrent rotations of one refresh token, exactly one rotates', async () => {
      const account = await newAccount()
      const s = session(account.id)
      const first = token(s.id)
      await stores().sessions.create(s, first)
      const results = await race(await db.racers(), N, (store) =>
        store.sessions.rotateRefreshToken(first.id, token(s.id), T0 + 5),
      )
      const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))
      expect(outcomes.filter((o) => o === 'rotated')).toHaveLength(1)
      expect(outcomes.filter((o) => o === 'already_used')).toHaveLength(N - 1)
    })

    it('race: N concurrent refreshes through the service, one wins, reuse revokes the family', async () => {
      const account = await newAccount()
      const racers = await db.racers()
      const clock = createManualClock(T0)
      const options = {
        refreshTokenTtlMs: 3_600_000,
        sessionMaxAgeMs: 86_400_000,
        accessTokenLifetimeMs: 305_000,
        cookieMaxAgeMs: 604_800_000,
        cookieSliding: false,
      }
      const services = racers.map((r) =>
        createSessionService(r.sessions, createRevocationList(), clock, options),
      )
      const started = await services[0]!.start({ accountId: account.id })
      const results = await Promise.allSettled(
        Array.from({ length: N }, (_, i) => services[i % services.length]!.refresh(started.refreshToken)),
      )
      const { fulfilled, refused } = tally(results, (e: { code: string }) => e.code)
      expect(fulfilled).toBe(1)
      expect(refused).toEqual(Array(N - 1).fill('REFRESH_TOKEN_REUSED'))
      expect((await stores().sessions.find(started.session.id))!.revokedAt).toBeDefined()
    })

    it('behavior: rotation stores the sealed successor with used_at; the sweep forgets it after the interval', async () => {
      const account = await newAccount()
      const s = session(account.id)
      const first = token(s.id)
      const second = token(s.id)
      await stores().sessions.create(s, first)
      const sealed = new Uint8Array(randomBytes(60))
      expect(await stores().sessions.rotateRefreshToken(first.id, second, T0 + 5, sealed)).toBe('rotated')
      const used = (await stores().sessions.findRefreshToken(first.id))!.token
      expect(used).toEqual({ ...first, usedAt: T0 + 5, successorSealed: sealed })
      expect((await stores().sessions.findRefreshToken(second.id))!.token.successorSealed).toBeUndefined()
      expect(await stores().sessions.forgetSuccessorsUsedBefore(T0 + 5)).toBe(0)
      expect(await stores().sessions.forgetSuccessorsUsedBefore(T0 + 6)).toBeGreaterThanOrEqual(1)
      expect((await stores().sessions.findRefreshToken(first.id))!.token).toEqual({
        ...first,
        usedAt: T0 + 5,
      })
    })

    it('race: N concurrent refreshes of one token within the reuse interval all get the same successor', async () => {
      const account = await newAccount()
      const racers = await db.racers()
      const clock = createManualClock(T0)
      const options = {
        refreshTokenTtlMs: 3_600_000,
        sessionMaxAgeMs: 86_400_000,
        accessTokenLifetimeMs: 305_000,
        cookieMaxAgeMs: 604_800_000,
        cookieSliding: false,
        refreshReuseIntervalMs: 10_000,
      }
      // One service per replica (PostgreSQL: separate pools), as two tabs reaching two replicas.
      const services = racers.map((r) =>
        createSessionService(r.sessions, createRevocationList(), clock, options),
      )
      const started = await services[0]!.start({ accountId: account.id })
      const results = await Promise.allSettled(
        Array.from({ length: N }, (_, i) => services[i % services.length]!.refresh(started.refreshToken)),
      )
      const tokens = results.map((r) => (r.status === 'fulfilled' ? r.value.refreshToken : r.reason.code))
      expect(new Set(tokens).size).toBe(1)
      expect(tokens[0]).toMatch(/^[\w-]{16}\.[\w-]{43}$/)
      expect((await stores().sessions.find(started.session.id))!.revokedAt).toBeUndefined()
      // One successor in the family, and it rotates once more as usual.
      const family = await stores()
        .db.selectFrom('refresh_tokens')
        .select('id')
        .where('session_id', '=', started.session.id)
        .execute()
      expect(family).toHaveLength(2)
      expect((await services[0]!.refresh(tokens[0])).refreshToken).not.toBe(tokens[0])
    })

    it('race: rotation racing revocation: rotated before it or session_inactive, never a live heir', async () => {
      const racers = await db.racers()
      for (let round = 0; round < 5; round++) {
        const account = await newAccount()
        const s = session(account.id)
        const first = token(s.id)
        await stores().sessions.create(s, first)
        const next = token(s.id)
        const [rotated, revoked] = await Promise.all([
          racers[0]!.sessions.rotateRefreshToken(first.id, next, T0 + 5),
          racers[racers.length - 1]!.sessions.revoke(s.id, T0 + 5),
        ])
        expect(revoked).toBe(true)
        expect(['rotated', 'session_inactive']).toContain(rotated)
        expect((await stores().sessions.find(s.id))!.revokedAt).toBe(T0 + 5)
      }
    })
  })

  describe('signing keys', () => {
    const key = (kid = id('k')): StoredSigningKey => ({
      kid,
      alg: 'ES256',
      publicJwk: `{"kid":"${kid}"}`,
      privateJwk: `{"kid":"${kid}","d":"x"}`,
      createdAt: T0,
    })

    it('behavior: activation retires the active key; list is oldest first', async () => {
      const first = key()
      const second = key()
      await stores().signingKeys.activate(first, T0)
      await stores().signingKeys.activate(second, T0 + 1)
      const listed = await stores().signingKeys.list()
      const mine = listed.filter((k) => [first.kid, second.kid].includes(k.kid))
      expect(mine).toEqual([
        { ...first, retiredAt: T0 + 1 },
        { ...second, activatesAt: T0 + 1 },
      ])
      expect(listed.filter((k) => k.retiredAt === undefined)).toHaveLength(1)
    })

    it('behavior: a scheduled key retires the signer at its time; an immediate one overtakes both', async () => {
      const [a, b, c] = [key(), key(), key()]
      await stores().signingKeys.activate(a, T0)
      await stores().signingKeys.activate(b, T0 + 900_000) // `keys rotate`: published now, signs later
      const scheduled = (await stores().signingKeys.list()).filter((k) => [a.kid, b.kid].includes(k.kid))
      expect(scheduled).toEqual([
        { ...a, retiredAt: T0 + 900_000 },
        { ...b, activatesAt: T0 + 900_000 },
      ])
      await stores().signingKeys.activate(c, T0 + 10) // `keys rotate --now` before b's time
      const after = (await stores().signingKeys.list()).filter((k) => [a.kid, b.kid, c.kid].includes(k.kid))
      expect(after).toEqual([
        { ...a, retiredAt: T0 + 10 },
        { ...b, activatesAt: T0 + 900_000, retiredAt: T0 + 10 },
        { ...c, activatesAt: T0 + 10 },
      ])
    })

    it('race: concurrent activations leave exactly one active key', async () => {
      const results = await race(await db.racers(), 6, (s, i) => s.signingKeys.activate(key(), T0 + i))
      expect(results.every((r) => r.status === 'fulfilled')).toBe(true)
      const active = (await stores().signingKeys.list()).filter((k) => k.retiredAt === undefined)
      expect(active).toHaveLength(1)
    })
  })

  describe('api keys', () => {
    const apiKey = (accountId: string, overrides: Partial<ApiKey> = {}): ApiKey => ({
      id: id('ak'),
      accountId,
      name: 'bot',
      scope: 'trade',
      credential: { kind: 'secret', secretHash: hash(), secretTail: 'abcd' },
      allowedIps: ['203.0.113.0/24'],
      createdAt: T0,
      ...overrides,
    })
    const secretOf = (key: ApiKey | undefined) =>
      key?.credential.kind === 'secret' ? key.credential.secretHash : undefined
    const previousSecretOf = (key: ApiKey | undefined) =>
      key?.previousCredential?.kind === 'secret' ? key.previousCredential.secretHash : undefined
    const jwk = (): PublicKeyJwk => {
      const exported = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' })
      return { kty: 'OKP', crv: 'Ed25519', x: exported.x! }
    }
    const p256Jwk = (): PublicKeyJwk => {
      const exported = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' })
      return { kty: 'EC', crv: 'P-256', x: exported.x!, y: exported.y! }
    }

    it('behavior: insert, find, list newest first, rotate with grace, revoke once, record use', async () => {
      const account = await newAccount()
      const a = apiKey(account.id, { expiresAt: T0 + 10_000 })
      const b = apiKey(account.id, { createdAt: T0 + 1, allowedIps: [] })
      expect(await stores().apiKeys.insert(a, { maxActivePerAccount: 5 })).toBe('inserted')
      expect(await stores().apiKeys.insert(b, { maxActivePerAccount: 5 })).toBe('inserted')
      expect(await stores().apiKeys.findById(a.id)).toEqual(a)
      expect((await stores().apiKeys.listOfAccount(account.id)).map((k) => k.id)).toEqual([b.id, a.id])

      const credential = { kind: 'secret' as const, secretHash: hash(), secretTail: 'wxyz' }
      const next = { credential, previousExpiresAt: T0 + 500 }
      expect(await stores().apiKeys.replaceCredential(a.id, account.id, next, T0 + 100)).toBe(true)
      expect(await stores().apiKeys.findById(a.id)).toEqual({
        ...a,
        credential,
        previousCredential: { kind: 'secret', secretHash: secretOf(a) },
        previousExpiresAt: T0 + 500,
      })
      expect(await stores().apiKeys.replaceCredential(a.id, 'someone-else', next, T0 + 100)).toBe(false)

      await stores().apiKeys.recordUse(b.id, T0 + 200, '198.51.100.1')
      expect(await stores().apiKeys.findById(b.id)).toMatchObject({
        lastUsedAt: T0 + 200,
        lastUsedIp: '198.51.100.1',
      })

      const revocations = await race(await db.racers(), 4, (s) =>
        s.apiKeys.revoke(a.id, account.id, T0 + 300),
      )
      expect(revocations.filter((r) => r.status === 'fulfilled' && r.value === true)).toHaveLength(1)
      expect(await stores().apiKeys.findById(a.id)).toMatchObject({ revokedAt: T0 + 300 })
      expect((await stores().apiKeys.findById(a.id))!.previousCredential).toBeUndefined()
      expect(await stores().apiKeys.revoke(a.id, account.id, T0 + 400)).toBe(false)
    })

    it('behavior: a public-key key round-trips its JWK, rotates to a new one with grace, is revoked, keeps no secret', async () => {
      const account = await newAccount()
      const first = jwk()
      const key = apiKey(account.id, { credential: { kind: 'public-key', publicKey: first } })
      expect(await stores().apiKeys.insert(key, { maxActivePerAccount: 5 })).toBe('inserted')
      expect(await stores().apiKeys.findById(key.id)).toEqual(key)
      expect(await stores().apiKeys.listOfAccount(account.id)).toEqual([key])

      const second = p256Jwk()
      const next = {
        credential: { kind: 'public-key' as const, publicKey: second },
        previousExpiresAt: T0 + 500,
      }
      expect(await stores().apiKeys.replaceCredential(key.id, account.id, next, T0 + 100)).toBe(true)
      expect(await stores().apiKeys.findById(key.id)).toEqual({
        ...key,
        credential: next.credential,
        previousCredential: { kind: 'public-key', publicKey: first },
        previousExpiresAt: T0 + 500,
      })
      // No grace: the replaced key is not kept at all.
      const third = {
        credential: { kind: 'public-key' as const, publicKey: jwk() },
        previousExpiresAt: T0 + 200,
      }
      expect(await stores().apiKeys.replaceCredential(key.id, account.id, third, T0 + 200)).toBe(true)
      const rotated = await stores().apiKeys.findById(key.id)
      expect(rotated?.previousCredential).toBeUndefined()
      expect(rotated?.previousExpiresAt).toBeUndefined()

      expect(await stores().apiKeys.revoke(key.id, account.id, T0 + 300)).toBe(true)
      expect(await stores().apiKeys.findById(key.id)).toMatchObject({
        revokedAt: T0 + 300,
        credential: third.credential,
      })
      // What the row holds: the public key, and nothing in the secret columns.
      const row = await stores()
        .db.selectFrom('api_keys')
        .select(['secret_hash', 'secret_tail', 'credential'])
        .where('id', '=', key.id)
        .executeTakeFirstOrThrow()
      expect({ ...row, secret_hash: row.secret_hash.length }).toEqual({
        secret_hash: 0,
        secret_tail: '',
        credential: 'public-key',
      })
    })

    it('behavior: an hmac key round-trips its sealed secret and keeps the replaced one for the grace period', async () => {
      const account = await newAccount()
      const sealed = new Uint8Array(randomBytes(60))
      const key = apiKey(account.id, { credential: { kind: 'hmac', sealedSecret: sealed } })
      expect(await stores().apiKeys.insert(key, { maxActivePerAccount: 5 })).toBe('inserted')
      expect(await stores().apiKeys.findById(key.id)).toEqual(key)
      const next = {
        credential: { kind: 'hmac' as const, sealedSecret: new Uint8Array(randomBytes(60)) },
        previousExpiresAt: T0 + 500,
      }
      // Not by another kind; by its own, keeping the replaced one.
      const toPublic = {
        credential: { kind: 'public-key' as const, publicKey: jwk() },
        previousExpiresAt: T0 + 500,
      }
      expect(await stores().apiKeys.replaceCredential(key.id, account.id, toPublic, T0 + 100)).toBe(false)
      expect(await stores().apiKeys.replaceCredential(key.id, account.id, next, T0 + 100)).toBe(true)
      expect(await stores().apiKeys.findById(key.id)).toEqual({
        ...key,
        credential: next.credential,
        previousCredential: { kind: 'hmac', sealedSecret: sealed },
        previousExpiresAt: T0 + 500,
      })
      expect(await stores().apiKeys.revoke(key.id, account.id, T0 + 200)).toBe(true)
      expect((await stores().apiKeys.findById(key.id))!.previousCredential).toBeUndefined()
    })

    it('attack: a rotation never changes the kind of credential (a secret key cannot become a public-key key, nor back)', async () => {
      const account = await newAccount()
      const secretKey = apiKey(account.id)
      const publicKeyKey = apiKey(account.id, { credential: { kind: 'public-key', publicKey: jwk() } })
      await stores().apiKeys.insert(secretKey, { maxActivePerAccount: 5 })
      await stores().apiKeys.insert(publicKeyKey, { maxActivePerAccount: 5 })
      const toPublic = {
        credential: { kind: 'public-key' as const, publicKey: jwk() },
        previousExpiresAt: T0 + 500,
      }
      const toSecret = {
        credential: { kind: 'secret' as const, secretHash: hash(), secretTail: 'zzzz' },
        previousExpiresAt: T0 + 500,
      }
      expect(await stores().apiKeys.replaceCredential(secretKey.id, account.id, toPublic, T0)).toBe(false)
      expect(await stores().apiKeys.replaceCredential(publicKeyKey.id, account.id, toSecret, T0)).toBe(false)
      expect(await stores().apiKeys.findById(secretKey.id)).toEqual(secretKey)
      expect(await stores().apiKeys.findById(publicKeyKey.id)).toEqual(publicKeyKey)
    })

    it('behavior: the limit counts keys in force, not revoked or expired ones', async () => {
      const account = await newAccount()
      const limit = { maxActivePerAccount: 2 }
      await stores().apiKeys.insert(apiKey(account.id, { expiresAt: T0 + 10 }), limit)
      const revoked = apiKey(account.id)
      await stores().apiKeys.insert(revoked, limit)
      expect(await stores().apiKeys.insert(apiKey(account.id), limit)).toBe('limit_reached')
      await stores().apiKeys.revoke(revoked.id, account.id, T0)
      // Public-key keys count as keys too.
      const publicKeyKey = apiKey(account.id, {
        createdAt: T0 + 20,
        credential: { kind: 'public-key', publicKey: jwk() },
      })
      expect(await stores().apiKeys.insert(publicKeyKey, limit)).toBe('inserted')
      expect(await stores().apiKeys.insert(apiKey(account.id, { createdAt: T0 + 20 }), limit)).toBe(
        'inserted',
      )
      expect(await stores().apiKeys.insert(apiKey(account.id, { createdAt: T0 + 20 }), limit)).toBe(
        'limit_reached',
      )
    })

    it('race: N concurrent creates at the per-account limit, exactly the limit lands', async () => {
      const account = await newAccount()
      const limit = { maxActivePerAccount: 3 }
      await stores().apiKeys.insert(apiKey(account.id), limit)
      const results = await race(await db.racers(), N, (s, i) =>
        s.apiKeys.insert(
          i % 2 === 0
            ? apiKey(account.id)
            : apiKey(account.id, { credential: { kind: 'public-key', publicKey: jwk() } }),
          limit,
        ),
      )
      const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))
      expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(2)
      expect(outcomes.filter((o) => o === 'limit_reached')).toHaveLength(N - 2)
      expect(await stores().apiKeys.listOfAccount(account.id)).toHaveLength(3)
    })

    it('race: concurrent rotations apply one after the other, each keeping the secret it replaced', async () => {
      const account = await newAccount()
      const key = apiKey(account.id)
      await stores().apiKeys.insert(key, { maxActivePerAccount: 5 })
      const secrets = Array.from({ length: 6 }, () => hash())
      const results = await race(await db.racers(), secrets.length, (s, i) =>
        s.apiKeys.replaceCredential(
          key.id,
          account.id,
          {
            credential: { kind: 'secret', secretHash: secrets[i]!, secretTail: 'tail' },
            previousExpiresAt: T0 + 1000,
          },
          T0,
        ),
      )
      expect(results.every((r) => r.status === 'fulfilled' && r.value === true)).toBe(true)
      const final = (await stores().apiKeys.findById(key.id))!
      const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : undefined)
      expect(secrets.map(hex)).toContain(hex(secretOf(final)))
      expect([...secrets, secretOf(key)].map(hex)).toContain(hex(previousSecretOf(final)))
      expect(hex(previousSecretOf(final))).not.toBe(hex(secretOf(final)))
    })

    it('race: concurrent public-key rotations apply one after the other, each keeping the key it replaced', async () => {
      const account = await newAccount()
      const key = apiKey(account.id, { credential: { kind: 'public-key', publicKey: jwk() } })
      await stores().apiKeys.insert(key, { maxActivePerAccount: 5 })
      const keys = Array.from({ length: 6 }, () => jwk())
      const results = await race(await db.racers(), keys.length, (s, i) =>
        s.apiKeys.replaceCredential(
          key.id,
          account.id,
          { credential: { kind: 'public-key', publicKey: keys[i]! }, previousExpiresAt: T0 + 1000 },
          T0,
        ),
      )
      expect(results.every((r) => r.status === 'fulfilled' && r.value === true)).toBe(true)
      const final = (await stores().apiKeys.findById(key.id))!
      const x = (c: ApiKey['credential'] | ApiKey['previousCredential']) =>
        c?.kind === 'public-key' ? c.publicKey.x : undefined
      expect(keys.map((k) => k.x)).toContain(x(final.credential))
      expect([...keys, key.credential].map((k) => ('x' in k ? k.x : x(k)))).toContain(
        x(final.previousCredential),
      )
      expect(x(final.previousCredential)).not.toBe(x(final.credential))
    })
  })

  describe('invites', () => {
    const invite = (maxUses: number, expiresAt?: number) => ({
      codeHash: hash(),
      maxUses,
      uses: 0,
      createdAt: T0,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    })

    it('behavior: redeem activates a pending account; invalid, expired, already_active', async () => {
      const code = invite(1)
      await stores().invites.insert(code)
      await expect(stores().invites.insert({ ...code })).rejects.toThrow()
      const active = await newAccount('active')
      expect(await stores().invites.redeem(code.codeHash, active.id, T0)).toBe('already_active')
      const pending = await newAccount('pending')
      expect(await stores().invites.redeem(hash(), pending.id, T0)).toBe('invalid')
      const expired = invite(5, T0)
      await stores().invites.insert(expired)
      expect(await stores().invites.redeem(expired.codeHash, pending.id, T0)).toBe('invalid')
      expect(await stores().invites.redeem(code.codeHash, pending.id, T0)).toBe('redeemed')
      expect((await stores().accounts.findById(pending.id))!.status).toBe('active')
      const other = await newAccount('pending')
      expect(await stores().invites.redeem(code.codeHash, other.id, T0)).toBe('invalid')
      expect((await stores().accounts.findById(other.id))!.status).toBe('pending')
    })

    it('race: N accounts redeem a one-use invite at once, exactly one is activated', async () => {
      const code = invite(1)
      await stores().invites.insert(code)
      const accounts = await Promise.all(Array.from({ length: N }, () => newAccount('pending')))
      const results = await race(await db.racers(), N, (s, i) =>
        s.invites.redeem(code.codeHash, accounts[i]!.id, T0),
      )
      const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))
      expect(outcomes.filter((o) => o === 'redeemed')).toHaveLength(1)
      expect(outcomes.filter((o) => o === 'invalid')).toHaveLength(N - 1)
      const statuses = await Promise.all(accounts.map((a) => stores().accounts.findById(a.id)))
      expect(statuses.filter((a) => a!.status === 'active')).toHaveLength(1)
    })

    it('race: one account redeems N times at once, it is activated once and one use is spent', async () => {
      const code = invite(N)
      await stores().invites.insert(code)
      const account = await newAccount('pending')
      const results = await race(await db.racers(), N, (s) => s.invites.redeem(code.codeHash, account.id, T0))
      const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))
      expect(outcomes.filter((o) => o === 'redeemed')).toHaveLength(1)
      expect(outcomes.filter((o) => o === 'already_active')).toHaveLength(N - 1)
      // N - 1 uses are left: N - 1 more pending accounts get in, the next does not.
      for (let i = 0; i < N - 1; i++)
        expect(await stores().invites.redeem(code.codeHash, (await newAccount('pending')).id, T0)).toBe(
          'redeemed',
        )
      expect(await stores().invites.redeem(code.codeHash, (await newAccount('pending')).id, T0)).toBe(
        'invalid',
      )
    })
  })

  describe('starknet accounts', () => {
    const felt = () => `0x${randomBytes(31).toString('hex').replace(/^0+/, '')}`

    it('behavior: register, existing, key_mismatch; the Sigil account has the felt as id', async () => {
      const account = felt()
      const input = { account, signerType: 'starknet' as const, publicKey: felt(), ethAddress: address() }
      const registered = await stores().starknetAccounts.register(input, T0, 'pending')
      expect(registered).toEqual({
        status: 'registered',
        record: {
          account,
          signerType: 'starknet',
          publicKey: input.publicKey,
          ethAddress: input.ethAddress,
          accountId: account,
          createdAt: T0,
        },
      })
      expect(
        (await stores().starknetAccounts.register({ ...input, ethAddress: address() }, T0 + 1, 'active'))
          .status,
      ).toBe('existing')
      expect(await stores().starknetAccounts.register({ ...input, publicKey: felt() }, T0, 'active')).toEqual(
        {
          status: 'key_mismatch',
        },
      )
      expect(await stores().accounts.findById(account)).toMatchObject({
        id: account,
        address: account,
        status: 'pending',
      })
      expect(await stores().starknetAccounts.find(account)).toEqual(
        registered.status === 'registered' && registered.record,
      )
      expect(await stores().starknetAccounts.find(felt())).toBeUndefined()
    })

    it('behavior: an isolated-market account cannot be onboarded', async () => {
      const parent = await newAccount()
      const isolated = felt()
      await stores().isolatedAccounts.add(
        { account: isolated, parentAccountId: parent.id, market: 'BTC' },
        T0,
        {
          maxPerParent: 5,
        },
      )
      expect(
        await stores().starknetAccounts.register(
          { account: isolated, signerType: 'starknet', publicKey: felt() },
          T0,
          'active',
        ),
      ).toEqual({ status: 'isolated_account' })
    })

    it('race: concurrent onboardings of one account end in one pair, one told registered', async () => {
      const account = felt()
      const publicKey = felt()
      const results = await race(await db.racers(), N, (s) =>
        s.starknetAccounts.register({ account, signerType: 'starknet', publicKey }, T0, 'active'),
      )
      const statuses = results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'failed'))
      expect(statuses.filter((s) => s === 'registered')).toHaveLength(1)
      expect(statuses.filter((s) => s === 'existing')).toHaveLength(N - 1)
    })
  })

  describe('isolated accounts', () => {
    it('behavior: added, exists, taken, limit_reached; list and remove', async () => {
      const parent = await newAccount()
      const other = await newAccount()
      const limit = { maxPerParent: 2 }
      const link = { account: id('0x'), parentAccountId: parent.id, market: 'BTC' }
      expect(await stores().isolatedAccounts.add(link, T0, limit)).toEqual({
        status: 'added',
        record: { ...link, createdAt: T0 },
      })
      expect(await stores().isolatedAccounts.add(link, T0 + 1, limit)).toEqual({
        status: 'exists',
        record: { ...link, createdAt: T0 },
      })
      expect(await stores().isolatedAccounts.add({ ...link, market: 'ETH' }, T0, limit)).toEqual({
        status: 'taken',
      })
      expect(await stores().isolatedAccounts.add({ ...link, parentAccountId: other.id }, T0, limit)).toEqual({
        status: 'taken',
      })
      const second = { ...link, account: id('0x') }
      expect((await stores().isolatedAccounts.add(second, T0, limit)).status).toBe('added')
      expect(await stores().isolatedAccounts.add({ ...link, account: id('0x') }, T0, limit)).toEqual({
        status: 'limit_reached',
      })
      expect((await stores().isolatedAccounts.listByParent(parent.id)).map((l) => l.account)).toEqual(
        [link.account, second.account].sort(),
      )
      expect(await stores().isolatedAccounts.remove(link.account)).toBe(true)
      expect(await stores().isolatedAccounts.remove(link.account)).toBe(false)
    })

    it('race: N concurrent links to one parent with room for k, exactly k are added', async () => {
      const parent = await newAccount()
      const results = await race(await db.racers(), N, (s) =>
        s.isolatedAccounts.add({ account: id('0x'), parentAccountId: parent.id, market: 'BTC' }, T0, {
          maxPerParent: 3,
        }),
      )
      const statuses = results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'failed'))
      expect(statuses.filter((s) => s === 'added')).toHaveLength(3)
      expect(statuses.filter((s) => s === 'limit_reached')).toHaveLength(N - 3)
    })
  })

  describe('signature uses', () => {
    it('behavior: a claim wins once while live, again once expired; deleteExpired forgets', async () => {
      const key = id('sig')
      expect(await stores().signatureUses.claim(key, T0 + 100, T0)).toBe(true)
      expect(await stores().signatureUses.claim(key, T0 + 200, T0 + 50)).toBe(false)
      expect(await stores().signatureUses.claim(key, T0 + 300, T0 + 100)).toBe(true)
      expect(await stores().signatureUses.deleteExpired(T0 + 300)).toBeGreaterThanOrEqual(1)
      expect(await stores().signatureUses.claim(key, T0 + 400, T0 + 300)).toBe(true)
    })

    it('race: N concurrent claims of one message (fresh, then expired), one wins each time', async () => {
      const key = id('sig')
      for (const now of [T0, T0 + 1000]) {
        const results = await race(await db.racers(), N, (s) => s.signatureUses.claim(key, now + 500, now))
        expect(results.filter((r) => r.status === 'fulfilled' && r.value === true)).toHaveLength(1)
        expect(results.filter((r) => r.status === 'fulfilled' && r.value === false)).toHaveLength(N - 1)
      }
    })
  })

  describe('audit', () => {
    it('behavior: appends land with increasing ids; query filters by account and time', async () => {
      const account = await newAccount()
      const racers = await db.racers()
      await race(racers, N, (s, i) =>
        s.audit.append({
          at: T0 + i,
          type: 'sign_in.succeeded',
          accountId: account.id,
          ip: '203.0.113.1',
          detail: { n: i, ok: true, via: 'siwe' },
        }),
      )
      const events = await stores().audit.query({ accountId: account.id, limit: 100 })
      expect(events).toHaveLength(N)
      const ids = events.map((e) => e.id)
      expect(ids.every((i) => typeof i === 'number')).toBe(true)
      expect([...ids].sort((a, b) => a - b)).toEqual(ids)
      expect(new Set(ids).size).toBe(N)
      expect(events.find((e) => e.detail?.n === 3)).toEqual({
        id: expect.any(Number),
        at: T0 + 3,
        type: 'sign_in.succeeded',
        accountId: account.id,
        ip: '203.0.113.1',
        detail: { n: 3, ok: true, via: 'siwe' },
      })
      expect(
        await stores().audit.query({ accountId: account.id, since: T0 + N - 2, limit: 100 }),
      ).toHaveLength(2)
      expect(await stores().audit.query({ accountId: account.id, limit: 5 })).toHaveLength(5)
      await stores().audit.append({ at: T0, type: 'logout' })
      expect((await stores().audit.query({ since: T0, limit: 1000 })).some((e) => e.type === 'logout')).toBe(
        true,
      )
      expect(
        await stores().audit.query({ accountId: account.id, since: T0 + 2, until: T0 + 4, limit: 100 }),
      ).toHaveLength(2)
    })

    it('behavior: retention deletes the events before the cut-off and keeps the rest', async () => {
      const account = await newAccount()
      const old = T0 - 100 * 86_400_000
      for (let i = 0; i < 5; i++)
        await stores().audit.append({ at: old + i, type: 'logout', accountId: account.id })
      for (let i = 0; i < 3; i++)
        await stores().audit.append({ at: T0 + i, type: 'logout', accountId: account.id })
      expect(await stores().audit.deleteBefore(T0)).toBeGreaterThanOrEqual(5)
      const left = await stores().audit.query({ accountId: account.id, limit: 100 })
      expect(left.map((e) => e.at)).toEqual([T0, T0 + 1, T0 + 2])
      expect(await stores().audit.deleteBefore(T0)).toBe(0)
    })
  })

  describe('indexes of the periodic sweeps', () => {
    const SWEPT = {
      sessions_expires_at: 'select id from sessions where expires_at < 1',
      refresh_tokens_expires_at: 'select id from refresh_tokens where expires_at < 1',
      refresh_tokens_sealed_used_at:
        'select id from refresh_tokens where successor_sealed is not null and used_at < 1',
      audit_events_at: 'select id from audit_events where at < 1',
    }

    it('invariant: what the sweeps delete by is indexed (SQLite: the plan uses it; PostgreSQL: it exists)', async () => {
      if (backend.name === 'sqlite') {
        for (const [index, query] of Object.entries(SWEPT)) {
          const plan = await sql.raw<{ detail: string }>(`explain query plan ${query}`).execute(stores().db)
          expect(plan.rows.map((r) => r.detail).join(' '), query).toMatch(
            new RegExp(`USING (COVERING )?INDEX ${index}\\b`),
          )
        }
      } else {
        const rows = await sql<{ indexname: string; indexdef: string }>`
          select indexname, indexdef from pg_indexes where schemaname = current_schema()`.execute(stores().db)
        const defs = Object.fromEntries(rows.rows.map((r) => [r.indexname, r.indexdef]))
        expect(defs.sessions_expires_at).toMatch(/\(expires_at\)/)
        expect(defs.refresh_tokens_expires_at).toMatch(/\(expires_at\)/)
        expect(defs.refresh_tokens_sealed_used_at).toMatch(
          /\(used_at\) WHERE \(successor_sealed IS NOT NULL\)/,
        )
        expect(defs.audit_events_at).toMatch(/\(at\)/)
        // And the planner takes them once seq scans are priced out (tables here are tiny); one
        // transaction, so that the setting and the plans share a pooled connection.
        await stores()
          .db.transaction()
          .execute(async (trx) => {
            await sql`set local enable_seqscan = off`.execute(trx)
            for (const [index, query] of Object.entries(SWEPT)) {
              const plan = await sql.raw<{ 'QUERY PLAN': string }>(`explain ${query}`).execute(trx)
              expect(plan.rows.map((r) => r['QUERY PLAN']).join(' '), query).toContain(index)
            }
          })
      }
    })
  })
})
