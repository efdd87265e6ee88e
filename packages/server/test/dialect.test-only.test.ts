import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'
import { acmeDialect, REGISTRY_WITH_ACME } from './support/acme-dialect.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet, signIn, siweMessage } from './support/wallet.js'

/** A venue declared through defineDialect in the tests alone signs in end to end. */
describe('a test-only dialect (Acme), registered through defineDialect', () => {
  let server: TestServer
  afterEach(() => server?.close())
  const start = (flags: Record<string, unknown> = {}) =>
    startTestServer({ dialects: ['acme'], ...flags }, { registry: REGISTRY_WITH_ACME })

  const acmeSignIn = async (wallet = newWallet(), fields: { chainId?: number; domain?: string } = {}) => {
    const { nonce } = (await server.app.inject({ method: 'GET', url: '/acme/nonce' })).json()
    const message = siweMessage(
      wallet,
      { nonce, domain: 'trade.acme.example', uri: 'https://trade.acme.example', chainId: 4242, ...fields },
      server.clock.now(),
    )
    const signature = await wallet.signMessage({ message })
    const login = () =>
      server.app.inject({ method: 'POST', url: '/acme/login', payload: { message, signature } })
    return { wallet, login }
  }

  it('behavior: nonce → SIWE on its own binding → token → its own protected route and service', async () => {
    server = await start()
    const { wallet, login } = await acmeSignIn()
    const response = await login()
    expect(response.statusCode).toBe(200)
    const { token, account } = response.json()
    expect(account.toLowerCase()).toBe(wallet.address.toLowerCase())
    const me = await server.app.inject({
      method: 'GET',
      url: '/acme/whoami',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(me.statusCode).toBe(200)
    expect(me.json().hello).toBe(`gm at ${server.clock.now()}`)
    // The session is Sigil's: the native API knows the same account through the same token.
    const native = await server.app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(native.statusCode).toBe(200)
  })

  it('behavior: its settings nest under its id, from the environment too', async () => {
    server = await start({ 'acme.greeting': 'hello', 'acme.prefix': '/exchange' })
    const nonce = await server.app.inject({ method: 'GET', url: '/exchange/nonce' })
    expect(nonce.statusCode).toBe(200)
    const config = loadConfig(
      { env: { SIGIL_ACME_GREETING: 'yo', SIGIL_DIALECTS: 'acme', SIGIL_PUBLIC_URL: 'https://app.example' } },
      REGISTRY_WITH_ACME,
    )
    expect(config.dialectSettings.acme).toMatchObject({ greeting: 'yo', prefix: '/acme' })
  })

  it('attack: a replayed message answers in Acme’s error body, with Acme’s code and status', async () => {
    server = await start()
    const { login } = await acmeSignIn()
    expect((await login()).statusCode).toBe(200)
    const replay = await login()
    expect(replay.statusCode).toBe(409)
    expect(replay.json()).toEqual({
      acme: { error: 'ACME_REPLAY', sigil: 'NONCE_USED', title: 'The nonce has already been used' },
    })
  })

  it('attack: rows it does not list keep the native status and code (a message for another chain)', async () => {
    server = await start()
    const { login } = await acmeSignIn(newWallet(), { chainId: 1 })
    const refused = await login()
    expect(refused.statusCode).toBe(401)
    expect(refused.json().acme).toMatchObject({ error: 'CHAIN_NOT_ALLOWED', sigil: 'CHAIN_NOT_ALLOWED' })
  })

  it('attack: the native binding does not sign in on Acme, nor Acme’s nonces on the native API', async () => {
    server = await start()
    const { login } = await acmeSignIn(newWallet(), { domain: 'app.example' })
    expect((await login()).json().acme.error).toBe('DOMAIN_MISMATCH')
    // A nonce minted by Acme, in a message for the native API: not the native API's nonce.
    const { nonce } = (await server.app.inject({ method: 'GET', url: '/acme/nonce' })).json()
    const wallet = newWallet()
    const message = siweMessage(wallet, { nonce }, server.clock.now())
    const crossed = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/siwe',
      payload: { message, signature: await wallet.signMessage({ message }) },
    })
    expect(crossed.statusCode).toBe(401)
    expect(crossed.json().code).toBe('NONCE_UNKNOWN')
    // And the native sign-in still works beside it.
    expect((await signIn(server.app, newWallet(), server.clock.now())).statusCode).toBe(200)
  })

  it('attack: its protected route refuses a missing credential in its own body', async () => {
    server = await start()
    const anonymous = await server.app.inject({ method: 'GET', url: '/acme/whoami' })
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.json().acme.error).toBe('ACME_LOGIN_FIRST')
  })

  it('error: its mount is checked like any other (the same prefix as another dialect)', () => {
    const attempt = () =>
      loadConfig({ flags: { dialects: ['acme', 'ocx'], 'acme.prefix': '/ocx' } }, REGISTRY_WITH_ACME)
    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow(/acme.prefix: the same prefix as ocx.prefix/)
  })

  it('behavior: on by default like every venue; switched off, its routes do not exist', async () => {
    server = await startTestServer({}, { registry: REGISTRY_WITH_ACME })
    expect((await server.app.inject({ method: 'GET', url: '/acme/nonce' })).statusCode).toBe(200)
    await server.close()
    server = await startTestServer({ dialects: ['ocx'] }, { registry: REGISTRY_WITH_ACME })
    expect(acmeDialect.required).toBeUndefined()
    expect((await server.app.inject({ method: 'GET', url: '/acme/nonce' })).statusCode).toBe(404)
  })
})
