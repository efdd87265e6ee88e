import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKeyRing } from '../src/core/tokens/create-key-ring.js'
import { createSigil } from '../src/create-sigil.js'
import { openStores } from '../src/store/open-stores.js'
import { openSqliteStores } from '../src/store/sqlite/open-sqlite-stores.js'
import { mintAccessToken } from './support/access-tokens.js'
import { tempDatabaseUrl } from './support/temp-dir.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet, signIn } from './support/wallet.js'

/** A file database, removed after the test: the rotations below happen "in another process". */
const tempDb = () => tempDatabaseUrl('sigil-keys-')

describe('signing-key rotation', () => {
  let server: TestServer
  let databaseUrl: string
  beforeEach(async () => {
    databaseUrl = tempDb()
    server = await startTestServer({ databaseUrl })
  })
  afterEach(() => server.close())

  /**
   * What `sigil keys rotate --now` does: another process opens the same store and activates a new key.
   * Its own store handle on the same file, not a second server: the CLI starts no gateway.
   */
  async function rotateFromAnotherProcess(): Promise<string> {
    const stores = await openStores(databaseUrl)
    try {
      return await createKeyRing(stores.signingKeys, server.clock, {
        algorithm: 'ES256',
        retentionMs: 310_000,
        leadMs: 900_000,
      })
        .rotate({ immediate: true })
        .then((key) => key.kid)
    } finally {
      await stores.close()
    }
  }
  const kidOf = (token: string) => decodeProtectedHeader(token).kid
  const me = (token: string) =>
    server.app.inject({ method: 'GET', url: '/v1/auth/me', headers: { authorization: `Bearer ${token}` } })
  const jwksKids = async () =>
    (await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' }))
      .json()
      .keys.map((k: { kid: string }) => k.kid)

  it('default: the running server signs with the new key after its next refresh; old tokens stay valid', async () => {
    const before = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
    const oldKid = kidOf(before)
    const newKid = await rotateFromAnotherProcess()
    expect(newKid).not.toBe(oldKid)

    await server.gateway.tick() // what the server's refresh timer runs every keyRingRefreshSeconds
    const after = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
    expect(kidOf(after)).toBe(newKid)
    expect(await jwksKids()).toEqual([newKid, oldKid])
    expect((await me(after)).statusCode).toBe(200)
    // Most of the old token's life later, and after another refresh, its retired key still verifies it.
    server.clock.advance(290_000)
    await server.gateway.tick()
    expect(await jwksKids()).toEqual([newKid, oldKid])
    expect((await me(before)).statusCode).toBe(200)
  })

  it('behavior: a token signed with a key another replica made since the last refresh verifies at once (one store read for an unknown kid)', async () => {
    const newKid = await rotateFromAnotherProcess()
    // No tick: this server's ring has not seen the new key, as a replica between refreshes.
    const { token } = await mintAccessToken(server, {
      accountId: (await signIn(server.app, newWallet(), server.clock.now())).json().account.id,
      sessionId: 'replica-session',
      scopes: ['read'],
      clientId: 'native',
    })
    expect(kidOf(token)).toBe(newKid)
    expect((await me(token)).statusCode).toBe(200)
  })

  it('attack: a kid no key has stays refused after the re-read', async () => {
    const before = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
    const [header, payload, signature] = before.split('.')
    const forgedHeader = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(header, 'base64url').toString()), kid: 'A'.repeat(43) }),
    ).toString('base64url')
    const response = await me(`${forgedHeader}.${payload}.${signature}`)
    expect([response.statusCode, response.json().code]).toEqual([401, 'TOKEN_INVALID'])
  })

  it('behavior: a retired key leaves the JWKS once every token it signed has expired', async () => {
    const before = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
    const newKid = await rotateFromAnotherProcess()
    await server.gateway.tick()
    server.clock.advance((300 + 5 + 5) * 1000 + 1)
    await server.gateway.tick()
    expect(await jwksKids()).toEqual([newKid])
    expect((await me(before)).statusCode).toBe(401)
  })

  it('behavior: `keys rotate` schedules: the JWKS holds both keys at once while the old one still signs', async () => {
    const before = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
    const oldKid = kidOf(before)
    const { kid: newKid, activatesAt } = await server.gateway.operator.rotateSigningKey()
    expect(activatesAt).toBe(server.clock.now() + server.config.signingKeyLeadSeconds * 1000)
    // Published at once (a verifier fetching now caches both), the signer still first.
    expect(await jwksKids()).toEqual([oldKid, newKid])
    const during = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
    expect(kidOf(during)).toBe(oldKid)

    // A verifier that cached the JWKS now, as a client of ours would (max-age 60).
    const cached = createLocalJWKSet(
      (await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json(),
    )
    server.clock.advance(server.config.signingKeyLeadSeconds * 1000 - 1)
    expect(kidOf((await signIn(server.app, newWallet(), server.clock.now())).json().accessToken)).toBe(oldKid)
    server.clock.advance(1) // the lead time is over: every replica switches by its own clock
    const after = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
    expect(kidOf(after)).toBe(newKid)
    expect(await jwksKids()).toEqual([newKid, oldKid])
    // The cached JWKS from before the switch verifies the new key's tokens: nobody is refused.
    await expect(
      jwtVerify(after, cached, { currentDate: new Date(server.clock.now()) }),
    ).resolves.toBeDefined()
  })

  it('behavior: a token the old key signed just before the switch verifies until it expires', async () => {
    const { kid: newKid } = await server.gateway.operator.rotateSigningKey()
    server.clock.advance(server.config.signingKeyLeadSeconds * 1000 - 60_000)
    const last = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
    expect(kidOf(last)).not.toBe(newKid)
    server.clock.advance(60_000)
    await server.gateway.tick()
    expect(kidOf((await signIn(server.app, newWallet(), server.clock.now())).json().accessToken)).toBe(newKid)
    server.clock.advance(230_000) // 290 s into its 300 s
    await server.gateway.tick()
    expect((await me(last)).statusCode).toBe(200)
    server.clock.advance(20_000)
    expect((await me(last)).statusCode).toBe(401)
  })

  it('behavior: `keys rotate --now` (a compromised key) signs at once and overtakes a scheduled key', async () => {
    const oldKid = (await jwksKids())[0]
    const { kid: scheduled } = await server.gateway.operator.rotateSigningKey()
    const { kid: urgent, activatesAt } = await server.gateway.operator.rotateSigningKey({ immediate: true })
    expect(activatesAt).toBe(server.clock.now())
    const token = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
    expect(kidOf(token)).toBe(urgent)
    server.clock.advance(server.config.signingKeyLeadSeconds * 1000)
    const later = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
    expect(kidOf(later)).toBe(urgent) // the scheduled key never takes over from it
    expect(await jwksKids()).toContain(urgent)
    expect([oldKid, scheduled]).not.toContain(urgent)
  })

  it('behavior: the first start generates one key; later starts reuse it', async () => {
    const kids = await jwksKids()
    expect(kids).toHaveLength(1)
    const again = await startTestServer({ databaseUrl })
    try {
      expect(again.gateway.jwks().keys.map((k) => k.kid)).toEqual(kids)
    } finally {
      await again.close()
    }
  })
})

describe('signing keys at rest', () => {
  const sigilOn = async (url: string, masterKey?: string) => {
    const config = (await import('../src/config.js')).loadConfig({
      flags: { databaseUrl: url, ...(masterKey ? { masterKey } : {}) },
    })
    return createSigil(config, { stores: await openSqliteStores(url) })
  }

  it('behavior: with a master key the stored private key is sealed (no JWK "d" in the database)', async () => {
    const url = tempDb()
    const sealed = await sigilOn(url, '07'.repeat(32))
    await sealed.close()
    const stores = await openSqliteStores(url)
    const rows = await stores.db.selectFrom('signing_keys').select('private_jwk').execute()
    await stores.close()
    expect(rows).toHaveLength(1)
    expect(rows[0]!.private_jwk).toMatch(/^sigil-aes256gcm:v1:/)
    expect(rows[0]!.private_jwk).not.toContain('"d"')

    // Both failures close what they opened (createSigil closes its stores when the start fails).
    await expect(sigilOn(url)).rejects.toThrow(/SIGIL_MASTER_KEY/)
    await expect(sigilOn(url, '08'.repeat(32))).rejects.toThrow(/does not open/)
  })
})

describe('sigil keys rotate with the wrong master key', () => {
  it('error: changes nothing: no plaintext key, no orphaned active key', async () => {
    const url = tempDb()
    const masterKey = Buffer.alloc(32, 7)
    // What the CLI runs: a key ring over the stores, no gateway and no server.
    const stores = await openSqliteStores(url)
    try {
      const clock = { now: () => Date.now() }
      await createKeyRing(stores.signingKeys, clock, {
        algorithm: 'ES256',
        retentionMs: 310_000,
        leadMs: 900_000,
        masterKey,
      }).load()
      const before = await stores.signingKeys.list()
      for (const wrong of [undefined, Buffer.alloc(32, 8)]) {
        const ring = createKeyRing(stores.signingKeys, clock, {
          algorithm: 'ES256',
          retentionMs: 310_000,
          leadMs: 900_000,
          ...(wrong ? { masterKey: wrong } : {}),
        })
        await expect(ring.rotate()).rejects.toThrow(/SIGIL_MASTER_KEY|does not open/)
      }
      expect(await stores.signingKeys.list()).toEqual(before)
    } finally {
      await stores.close()
    }
  })

  it('error: an envelope moved to another key row does not open (the kid is authenticated)', async () => {
    const { sealPrivateKey, openPrivateKey } = await import('../src/core/tokens/key-envelope.js')
    const masterKey = Buffer.alloc(32, 1)
    const sealed = sealPrivateKey('{"d":"x"}', masterKey, 'kid-a')
    expect(openPrivateKey(sealed, masterKey, 'kid-a')).toBe('{"d":"x"}')
    expect(() => openPrivateKey(sealed, masterKey, 'kid-b')).toThrow(/does not open/)
  })
})
