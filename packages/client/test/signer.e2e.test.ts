import { randomBytes } from 'node:crypto'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebSocket as WS } from 'ws'
import { startUpstream, type Upstream } from '../../server/test/support/upstream-server.js'
import { createSigilClient, type FetchLike, type SigilClient } from '../src/index.js'
import {
  createHmacRequestSigner,
  createRequestSigner,
  createWebCryptoRequestSigner,
  generateRequestSigningKey,
  type PublicSigningJwk,
} from '../src/signer/index.js'
import { failure } from './support/failure.js'
import { type ListeningServer, startListeningServer } from './support/server.js'

/**
 * `createSigilClient({ signer })` against the real Sigil app listening on 127.0.0.1: a wallet
 * registers a public key, and a bot holding only the private key is that account on every call,
 * with nothing secret on the wire.
 */
describe('@sigil/client signer against a real server', () => {
  let server: ListeningServer
  let owner: SigilClient
  beforeEach(async () => {
    server = await startListeningServer()
    owner = createSigilClient({ baseUrl: server.baseUrl, now: () => server.clock.now() })
    await owner.signInWithEthereum(privateKeyToAccount(generatePrivateKey()))
  })
  afterEach(() => server.close())

  /** A bot client for a registered key; `fetch` may be wrapped to watch or tamper with the wire. */
  const bot = (signer: ReturnType<typeof createRequestSigner>, fetch?: FetchLike) =>
    createSigilClient({
      baseUrl: server.baseUrl,
      now: () => server.clock.now(),
      signer,
      ...(fetch ? { fetch } : {}),
    })

  async function register(
    alg: 'ed25519' | 'ecdsa-p256-sha256' = 'ed25519',
    scope: 'read' | 'trade' = 'trade',
  ) {
    const { privateKey, publicKey } = generateRequestSigningKey(alg)
    const key = await owner.apiKeys.create({ name: `bot ${alg}`, scope, publicKey })
    return { key, signer: createRequestSigner({ keyId: key.id, privateKey }) }
  }

  it('default: an Ed25519 and a P-256 key registered by the SDK sign every call; the bot is the account, with no sign-in', async () => {
    const account = (await owner.me()).account
    for (const alg of ['ed25519', 'ecdsa-p256-sha256'] as const) {
      const { key, signer } = await register(alg)
      expect(key).toMatchObject({ credential: 'public-key', alg, scope: 'trade' })
      expect(key).not.toHaveProperty('secret')
      const sigil = bot(signer)
      const me = await sigil.me()
      expect(me).toMatchObject({ account: { id: account.id }, credential: 'api_key', apiKeyId: key.id })
      expect(me.scopes).toEqual(expect.arrayContaining(['read', 'trade']))
      expect(me.scopes).not.toContain('account')
      expect(await sigil.getTokens()).toBeUndefined()
      // Two identical calls in one second: each has its own nonce, neither is a replay.
      expect((await sigil.me()).apiKeyId).toBe(key.id)
    }
  })

  it('default: a non-extractable WebCrypto key signs for the bot', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as {
      privateKey: Parameters<typeof crypto.subtle.sign>[1]
      publicKey: Parameters<typeof crypto.subtle.sign>[1]
    }
    const jwk = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as {
      kty: 'OKP'
      crv: 'Ed25519'
      x: string
    }
    const publicKey: PublicSigningJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x }
    const key = await owner.apiKeys.create({ name: 'webcrypto', scope: 'read', publicKey })
    const sigil = bot(createWebCryptoRequestSigner({ keyId: key.id, privateKey: pair.privateKey }))
    expect((await sigil.me()).apiKeyId).toBe(key.id)
  })

  it('default: in Node, a WebSocket upgrade signed with signRequest is adopted by auth {"signedUpgrade": true}', async () => {
    const { signer } = await register('ed25519', 'read')
    const url = `${server.baseUrl}/v1/ws`
    const headers = await signer.signRequest({
      method: 'GET',
      url,
      headers: {},
      body: undefined,
      now: server.clock.now(),
    })
    const socket = new WS(url.replace(/^http/, 'ws'), { headers })
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    const answer = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))))
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'auth', params: { signedUpgrade: true } }))
    expect(JSON.parse(await answer)).toMatchObject({
      id: 1,
      result: { credential: 'api_key', scopes: ['read'] },
    })
    socket.close()
  })

  it('attack: a request the bot sent, sent again as is, is refused as a replay', async () => {
    const { signer } = await register()
    const sent: { url: string; init: RequestInit }[] = []
    const sigil = bot(signer, (url, init) => {
      sent.push({ url, init })
      return fetch(url, init)
    })
    await sigil.me()
    const again = await fetch(sent[0]!.url, sent[0]!.init)
    expect([again.status, ((await again.json()) as { code: string }).code]).toEqual([
      401,
      'HTTP_SIGNATURE_REPLAYED',
    ])
  })

  it('attack: a bot whose clock is 31 s behind (signatureMaxAgeSeconds) or 61 s ahead (issuedAtSkewSeconds) is refused', async () => {
    const { signer } = await register()
    for (const offset of [-31_000, 61_000]) {
      const skewed = createSigilClient({
        baseUrl: server.baseUrl,
        now: () => server.clock.now() + offset,
        signer,
      })
      const error = await failure(skewed.me())
      expect([error.status, error.code]).toEqual([401, 'HTTP_SIGNATURE_EXPIRED'])
    }
  })

  it('attack: a signing key cannot manage keys; once revoked it is refused at once', async () => {
    const { key, signer } = await register()
    const sigil = bot(signer)
    expect((await failure(sigil.apiKeys.list())).code).toBe('SCOPE_MISSING')
    await owner.apiKeys.revoke(key.id)
    const error = await failure(sigil.me())
    expect([error.status, error.code]).toEqual([401, 'API_KEY_REVOKED'])
  })

  it('attack: a key pair that was not registered (same key id, another private key) does not verify', async () => {
    const { key } = await register()
    const impostor = createRequestSigner({
      keyId: key.id,
      privateKey: generateRequestSigningKey().privateKey,
    })
    const error = await failure(bot(impostor).me())
    expect([error.status, error.code]).toEqual([401, 'HTTP_SIGNATURE_INVALID'])
  })

  it('behavior: rotating to a new public key: the new signer works at once, the old one only for the grace period', async () => {
    const { key, signer: old } = await register()
    const next = generateRequestSigningKey()
    const rotated = await owner.apiKeys.rotate(key.id, { publicKey: next.publicKey, gracePeriodSeconds: 60 })
    expect(rotated).toMatchObject({ id: key.id, credential: 'public-key', publicKey: next.publicKey })
    const fresh = bot(createRequestSigner({ keyId: key.id, privateKey: next.privateKey }))
    expect((await fresh.me()).apiKeyId).toBe(key.id)
    expect((await bot(old).me()).apiKeyId).toBe(key.id)
    server.clock.advance(61_000)
    expect((await failure(bot(old).me())).code).toBe('HTTP_SIGNATURE_INVALID')
    expect((await fresh.me()).apiKeyId).toBe(key.id)
  })
})

describe('@sigil/client signer through the reverse proxy (a body, its digest checked)', () => {
  let upstream: Upstream
  let server: ListeningServer
  let signer: ReturnType<typeof createRequestSigner>
  let keyId: string
  beforeEach(async () => {
    upstream = await startUpstream()
    server = await startListeningServer({ upstreamUrl: upstream.url })
    const owner = createSigilClient({ baseUrl: server.baseUrl, now: () => server.clock.now() })
    await owner.signInWithEthereum(privateKeyToAccount(generatePrivateKey()))
    const { privateKey, publicKey } = generateRequestSigningKey()
    keyId = (await owner.apiKeys.create({ name: 'trader', scope: 'trade', publicKey })).id
    signer = createRequestSigner({ keyId, privateKey })
  })
  afterEach(async () => {
    await server.close()
    await upstream.close()
  })

  const ORDER = JSON.stringify({ symbol: 'BTC-USD', side: 'buy', size: '1' })
  const signedOrder = async () => {
    const url = `${server.baseUrl}/orders?venue=evedex`
    const headers = { 'content-type': 'application/json' }
    const signed = await signer.signRequest({
      method: 'POST',
      url,
      headers,
      body: ORDER,
      now: server.clock.now(),
    })
    return { url, headers: { ...headers, ...signed } }
  }

  it('default: signRequest signs any request (as docs/signed-requests.md shows): the order reaches the upstream with the identity', async () => {
    const { url, headers } = await signedOrder()
    const response = await fetch(url, { method: 'POST', headers, body: ORDER })
    expect(response.status).toBe(200)
    expect(upstream.received).toHaveLength(1)
    expect(upstream.received[0]).toMatchObject({
      body: ORDER,
      headers: { 'x-sigil-credential': 'api_key_signed', 'x-sigil-key-id': keyId },
    })
  })

  it('attack: the body changed after signing is refused, and nothing reaches the upstream', async () => {
    const { url, headers } = await signedOrder()
    const response = await fetch(url, { method: 'POST', headers, body: ORDER.replace('"1"', '"100"') })
    expect([response.status, ((await response.json()) as { code: string }).code]).toEqual([
      401,
      'CONTENT_DIGEST_MISMATCH',
    ])
    expect(upstream.received).toHaveLength(0)
  })
})

describe('@sigil/client signer with an hmac-sha256 key (hmacSignedRequests)', () => {
  let server: ListeningServer
  afterEach(() => server.close())

  it('default: the secret shown once signs every call; rotated, the new secret signs', async () => {
    server = await startListeningServer({
      masterKey: randomBytes(32).toString('hex'),
      hmacSignedRequests: true,
    })
    const owner = createSigilClient({ baseUrl: server.baseUrl, now: () => server.clock.now() })
    await owner.signInWithEthereum(privateKeyToAccount(generatePrivateKey()))
    const key = await owner.apiKeys.create({ name: 'hmac bot', scope: 'read', alg: 'hmac-sha256' })
    expect(key).toMatchObject({ credential: 'hmac', alg: 'hmac-sha256', secret: expect.any(String) })
    const botWith = (secret: string) =>
      createSigilClient({
        baseUrl: server.baseUrl,
        now: () => server.clock.now(),
        signer: createHmacRequestSigner({ keyId: key.id, secret }),
      })
    expect((await botWith(key.secret).me()).apiKeyId).toBe(key.id)
    const rotated = await owner.apiKeys.rotate(key.id)
    expect((await botWith(rotated.secret).me()).apiKeyId).toBe(key.id)
    expect((await failure(botWith(key.secret).me())).code).toBe('HTTP_SIGNATURE_INVALID')
    expect(() => createHmacRequestSigner({ keyId: key.id, secret: 'c2hvcnQ' })).toThrow(/32 bytes/)
  })
})
