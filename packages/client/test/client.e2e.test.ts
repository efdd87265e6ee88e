import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseSiweMessage } from '@sigil/protocol/siwe'
import { createWalletClient, custom } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { mainnet } from 'viem/chains'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSigilClient, isSigilError, memoryStorage, type SigilClientOptions } from '../src/index.js'
import { eip1193Provider } from './support/eip1193-provider.js'
import { failure } from './support/failure.js'
import { type ListeningServer, refreshRequestsSeen, startListeningServer } from './support/server.js'

/** Past the access token's 5 minutes and any clock tolerance; well within the refresh token's days. */
const AN_HOUR = 3_600_000

const newAccount = () => privateKeyToAccount(generatePrivateKey())

describe('createSigilClient against a real server', () => {
  let server: ListeningServer
  beforeEach(async () => {
    server = await startListeningServer()
  })
  afterEach(() => server.close())

  // The server runs on a manual clock; the client's Issued At follows it.
  const client = (options: Partial<SigilClientOptions> = {}) =>
    createSigilClient({ baseUrl: server.baseUrl, now: () => server.clock.now(), ...options })

  it('default: a viem account signs in with a message the server parses, and me() names it', async () => {
    const account = newAccount()
    const sigil = client()
    const signedIn = await sigil.signInWithEthereum(account)
    expect(signedIn.account.address).toBe(account.address)
    expect(await sigil.getTokens()).toEqual(signedIn.tokens)
    const me = await sigil.me()
    expect(me).toMatchObject({ account: { address: account.address, status: 'active' }, credential: 'jwt' })
    expect(me.scopes).toEqual(expect.arrayContaining(['read', 'trade', 'account']))
  })

  it('default: an EIP-1193 provider (lower-case account, hex chain) signs the EIP-55 message for its chain', async () => {
    const account = newAccount()
    const provider = eip1193Provider(account)
    const sigil = client()
    await sigil.signInWithEthereum(provider)
    expect(provider.calls.map((c) => c.method)).toEqual([
      'eth_requestAccounts',
      'eth_chainId',
      'personal_sign',
    ])
    const parsed = parseSiweMessage(provider.signed[0]!)
    expect(parsed.ok && parsed.value).toMatchObject({
      address: account.address, // checksummed, though the wallet said it in lower case
      domain: 'app.example',
      uri: 'https://app.example',
      chainId: 1,
      issuedAt: new Date(server.clock.now()).toISOString(),
    })
    expect((await sigil.me()).account.address).toBe(account.address)
  })

  it('default: a viem WalletClient with a local account signs in', async () => {
    const account = newAccount()
    const wallet = createWalletClient({
      account,
      chain: mainnet,
      transport: custom(eip1193Provider(account)),
    })
    const sigil = client()
    expect((await sigil.signInWithEthereum(wallet, { statement: 'Sign in to trade.' })).account.address).toBe(
      account.address,
    )
  })

  it('error: a wallet on a chain the server refuses is stopped before it signs (no prompt, no nonce spent)', async () => {
    const provider = eip1193Provider(newAccount(), { chainId: 137 })
    const error = await failure(client().signInWithEthereum(provider))
    expect([error.code, error.status]).toEqual(['WALLET_CHAIN_NOT_ALLOWED', undefined])
    expect(provider.calls.map((c) => c.method)).not.toContain('personal_sign')
  })

  it('error: the user rejecting the signature is SIGNER_REJECTED, and nothing is stored', async () => {
    const sigil = client()
    const error = await failure(sigil.signInWithEthereum(eip1193Provider(newAccount(), { reject: true })))
    expect(error.code).toBe('SIGNER_REJECTED')
    expect(error.detail).toMatch(/rejected by the user/)
    expect(await sigil.getTokens()).toBeUndefined()
  })

  it('default: credential "session" leaves an httpOnly cookie (a browser app) and no token in the client', async () => {
    // A cookie jar of one cookie, as a browser keeps it for the page.
    let cookie: string | undefined
    const browserFetch = async (input: string, init: RequestInit) => {
      const headers = new Headers(init.headers)
      if (cookie) headers.set('cookie', cookie)
      const response = await fetch(input, { ...init, headers })
      const set = response.headers.get('set-cookie')
      if (set) cookie = set.split(';')[0]
      return response
    }
    const account = newAccount()
    const sigil = client({ fetch: browserFetch, credentials: 'include' })
    const signedIn = await sigil.signInWithEthereum(account, { credential: 'session' })
    expect(signedIn).toMatchObject({ credential: 'session', account: { address: account.address } })
    expect(cookie).toMatch(/^__Host-sigil_session=/)
    expect(await sigil.getTokens()).toBeUndefined()
    expect(await sigil.me()).toMatchObject({ credential: 'cookie', sessionId: signedIn.sessionId })
  })

  it('race: eight calls after the access token expired cause exactly one refresh, counted at the server', async () => {
    const sigil = client()
    await sigil.signInWithEthereum(newAccount())
    const before = await sigil.getTokens()
    server.clock.advance(AN_HOUR) // past the access token and the clock tolerance
    const results = await Promise.all([
      ...Array.from({ length: 6 }, () => sigil.me()),
      sigil.apiKeys.list(),
      sigil.sessions.list(),
    ])
    expect(results).toHaveLength(8)
    expect(await refreshRequestsSeen(server)).toBe(1)
    const after = await sigil.getTokens()
    expect(after?.refreshToken).not.toBe(before?.refreshToken)
    // One refresh, so no reuse: the session is alive and refreshes again.
    expect((await sigil.me()).credential).toBe('jwt')
    await sigil.refresh()
    expect(await refreshRequestsSeen(server)).toBe(2)
  })

  it('race: a call refused with a token the shared storage has since replaced (another process refreshed) spends nothing', async () => {
    const shared = memoryStorage()
    const first = client({ storage: shared })
    await first.signInWithEthereum(newAccount())
    const old = await shared.get()
    server.clock.advance(AN_HOUR)
    await first.refresh()
    // A second process that read the credentials file before the first one rewrote it.
    let reads = 0
    const second = client({ storage: { get: () => (reads++ === 0 ? old : shared.get()), set: shared.set } })
    expect((await second.me()).credential).toBe('jwt')
    expect(reads).toBe(2)
    expect(await refreshRequestsSeen(server)).toBe(1)
  })

  it('behavior: a refresh the server refuses forgets the tokens; the caller gets the refusal', async () => {
    const sigil = client()
    await sigil.signInWithEthereum(newAccount())
    const other = client({ storage: memoryStorage(await sigil.getTokens()) })
    await other.logoutAll()
    server.clock.advance(AN_HOUR)
    const error = await failure(sigil.me())
    expect([error.status, error.code]).toEqual([401, 'SESSION_REVOKED'])
    expect(await sigil.getTokens()).toBeUndefined()
    expect((await failure(sigil.refresh())).code).toBe('NOT_SIGNED_IN')
  })

  it('default: API keys: create (secret once), list, use, rotate, revoke', async () => {
    const sigil = client()
    await sigil.signInWithEthereum(newAccount())
    const created = await sigil.apiKeys.create({ name: 'bot', scope: 'read', allowedIps: ['127.0.0.1'] })
    expect(created.secret).toMatch(/^sgl_sk_/)
    const listed = await sigil.apiKeys.list()
    expect(listed.map((k) => [k.id, k.status, 'secret' in k])).toEqual([[created.id, 'active', false]])

    const bot = client({ apiKey: created.secret })
    expect(await bot.me()).toMatchObject({ credential: 'api_key', apiKeyId: created.id, scopes: ['read'] })
    // A key can never manage keys.
    expect((await failure(bot.apiKeys.list())).code).toBe('SCOPE_MISSING')

    const rotated = await sigil.apiKeys.rotate(created.id)
    expect([rotated.id, rotated.secret === created.secret]).toEqual([created.id, false])
    expect((await failure(bot.me())).code).toBe('API_KEY_INVALID')
    await sigil.apiKeys.revoke(created.id)
    const revoked = await failure(client({ apiKey: rotated.secret }).me())
    expect([revoked.status, revoked.code]).toEqual([401, 'API_KEY_REVOKED'])
  })

  it('default: sessions: list marks the current one; revoking another ends it', async () => {
    const account = newAccount()
    const laptop = client()
    const phone = client()
    await laptop.signInWithEthereum(account)
    await phone.signInWithEthereum(account)
    const sessions = await laptop.sessions.list()
    expect(sessions).toHaveLength(2)
    const other = sessions.find((s) => !s.current)!
    await laptop.sessions.revoke(other.id)
    expect((await failure(phone.me())).code).toBe('SESSION_REVOKED')
    expect(await laptop.sessions.list()).toHaveLength(1)
  })

  it('default: audit lists the account’s own events, newest first, within the limit', async () => {
    const sigil = client()
    await sigil.signInWithEthereum(newAccount())
    const other = client()
    await other.signInWithEthereum(newAccount())
    const created = await sigil.apiKeys.create({ name: 'bot', scope: 'read' })
    await sigil.apiKeys.revoke(created.id)

    const events = await sigil.audit.list()
    expect(events.map((e) => e.type)).toEqual(['api_key.revoked', 'api_key.created', 'sign_in.succeeded'])
    expect(await sigil.audit.list({ limit: 1 })).toEqual(events.slice(0, 1))
    // A key reads nothing of the account's security log.
    expect((await failure(client({ apiKey: created.secret }).audit.list())).code).toBe('API_KEY_REVOKED')
    expect((await failure(sigil.audit.list({ limit: 0 }))).status).toBe(400)
  })

  it('behavior: logout ends the session at the server and forgets the tokens', async () => {
    const sigil = client()
    const { tokens } = await sigil.signInWithEthereum(newAccount())
    await sigil.logout()
    expect(await sigil.getTokens()).toBeUndefined()
    const stolen = client({ storage: memoryStorage(tokens) })
    expect((await failure(stolen.me())).code).toBe('SESSION_REVOKED')
    await sigil.logout() // nothing left to end: not an error
  })

  it("error: the server's problem documents become SigilErrors with its code, status and detail", async () => {
    const sigil = client()
    const anonymous = await failure(sigil.me())
    expect([anonymous.status, anonymous.code]).toEqual([401, 'CREDENTIAL_MISSING'])
    await sigil.signInWithEthereum(newAccount())
    const missing = await failure(sigil.sessions.revoke('no-such-session'))
    expect([missing.status, missing.code]).toEqual([404, 'SESSION_NOT_FOUND'])
    const invalid = await failure(sigil.apiKeys.create({ name: '', scope: 'read' }))
    expect([invalid.status, invalid.code]).toEqual([400, 'VALIDATION_FAILED'])
    expect(invalid.message).toMatch(/^VALIDATION_FAILED/)
    expect(isSigilError(invalid, 'VALIDATION_FAILED')).toBe(true)
    expect(isSigilError(invalid, 'NOT_FOUND')).toBe(false)
  })

  it('error: no server is NETWORK_ERROR; an answer that is not Sigil’s is UNEXPECTED_RESPONSE with its status', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const down = await failure(createSigilClient({ baseUrl: `http://127.0.0.1:${port}` }).me())
    expect([down.code, down.status]).toEqual(['NETWORK_ERROR', undefined])

    const proxy = createServer((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>')
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    try {
      const { port: proxyPort } = proxy.address() as AddressInfo
      const bad = await failure(createSigilClient({ baseUrl: `http://127.0.0.1:${proxyPort}/` }).me())
      expect([bad.code, bad.status]).toEqual(['UNEXPECTED_RESPONSE', 502])
    } finally {
      await new Promise((resolve) => proxy.close(resolve))
    }
  })
})
