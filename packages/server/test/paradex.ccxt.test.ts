import ccxt from 'ccxt'
import { Wallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  ccxtParadex,
  type LiveSigil,
  listenSigil,
  nativeMe,
  onboardingStatus,
  rejectionOf,
} from './support/ccxt-paradex.js'
import { decodeJwt } from './support/paradex-client.js'
import { A2 } from './support/paradex-vectors.js'

/** Hardhat #0 (vector A2): ccxt must derive the official Paradex account from it. */
const HARDHAT_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

type StarkAccount = { privateKey: string; publicKey: string; address: string }

describe('Paradex: unmodified ccxt 4.5.84 (REST) against a listening Sigil', () => {
  let sigil: LiveSigil
  beforeEach(async () => {
    sigil = await listenSigil()
  })
  afterEach(() => sigil.close())

  const user = (privateKey: string, options: Record<string, unknown> = {}) => {
    const wallet = new Wallet(privateKey)
    return { wallet, ...ccxtParadex(sigil, { walletAddress: wallet.address, privateKey }, options) }
  }

  it('behavior: onboarding() then authenticateRest() (A2): a JWT that the native API takes, sub = the account', async () => {
    const { exchange, requests } = user(HARDHAT_0)
    expect((await onboardingStatus(sigil, A2.publicKey)).body.exists).toBe(false)

    await exchange.onboarding()
    const account = exchange.options.paradexAccount as StarkAccount
    expect(account.address).toBe(A2.account)
    expect(account.publicKey).toBe(A2.publicKey)
    expect((await onboardingStatus(sigil, A2.publicKey)).body).toMatchObject({
      address: A2.account,
      exists: true,
    })

    const jwt = await exchange.authenticateRest()
    expect(typeof jwt).toBe('string')
    const claims = decodeJwt(jwt!)
    expect(claims).toMatchObject({ sub: A2.account, client_id: 'paradex', scope: 'read trade keys' })

    const me = await nativeMe(sigil, jwt!)
    expect(me.status).toBe(200)
    expect(me.body.account).toEqual({ id: A2.account, address: A2.account, status: 'active' })
    expect(me.body.scopes).toEqual(['read', 'trade', 'keys'])

    // The whole conversation stayed on Sigil: the config once, then the two signed calls.
    expect(requests).toEqual([
      'GET /paradex/v1/system/config',
      'POST /paradex/v1/onboarding',
      'POST /paradex/v1/auth',
    ])
  })

  it('behavior: a fresh EVM key: the account ccxt derives is the one Sigil derives, onboards and signs in', async () => {
    const { exchange } = user(Wallet.createRandom().privateKey)
    await exchange.onboarding()
    const account = exchange.options.paradexAccount as StarkAccount
    const status = await onboardingStatus(sigil, account.publicKey)
    expect(status.status).toBe(200)
    expect(status.body).toMatchObject({ address: account.address, exists: true })

    const jwt = await exchange.authenticateRest()
    expect(decodeJwt(jwt!).sub).toBe(account.address)
    expect((await nativeMe(sigil, jwt!)).body.account.id).toBe(account.address)
  })

  it('behavior: onboarding() again, from a second ccxt instance of the same wallet, is accepted; both sign in as one account', async () => {
    const first = user(HARDHAT_0)
    await first.exchange.onboarding()
    const second = user(HARDHAT_0)
    await second.exchange.onboarding()
    const a = decodeJwt((await first.exchange.authenticateRest())!)
    const b = decodeJwt((await second.exchange.authenticateRest())!)
    expect(a.sub).toBe(A2.account)
    expect(b.sub).toBe(A2.account)
    expect(b.jti).not.toBe(a.jti)
  })

  it('behavior: authenticateRest() before onboarding(): ccxt raises BadRequest with NOT_ONBOARDED', async () => {
    const { exchange, requests } = user(HARDHAT_0)
    const error = await rejectionOf(exchange.authenticateRest())
    expect(error).toBeInstanceOf(ccxt.BadRequest)
    expect(error).not.toBeInstanceOf(ccxt.AuthenticationError)
    expect(error.message).toContain('"error":"NOT_ONBOARDED"')
    expect(requests).toEqual(['GET /paradex/v1/system/config', 'POST /paradex/v1/auth'])
    expect((await onboardingStatus(sigil, A2.publicKey)).body.exists).toBe(false)
  })

  it('attack: another Stark key claiming the onboarded account: auth is an AuthenticationError, onboarding a BadRequest', async () => {
    const victim = user(HARDHAT_0)
    await victim.exchange.onboarding()

    // ccxt takes a ready Stark account from options.paradexAccount: the attacker's own key pair,
    // with the victim's address.
    const attackerKeys = user(Wallet.createRandom().privateKey)
    await attackerKeys.exchange.retrieveAccount()
    const own = attackerKeys.exchange.options.paradexAccount as StarkAccount
    const attacker = user(Wallet.createRandom().privateKey, {
      paradexAccount: { ...own, address: A2.account },
    })

    const auth = await rejectionOf(attacker.exchange.authenticateRest())
    expect(auth).toBeInstanceOf(ccxt.AuthenticationError)
    expect(auth.message).toContain('"error":"STARKNET_SIGNATURE_VERIFICATION_FAILED"')

    const onboarding = await rejectionOf(attacker.exchange.onboarding())
    expect(onboarding).toBeInstanceOf(ccxt.BadRequest)
    expect(onboarding.message).toContain('"error":"PUBLIC_KEY_INVALID"')

    // The victim's key is unchanged: the victim still signs in.
    expect(decodeJwt((await victim.exchange.authenticateRest())!).sub).toBe(A2.account)
  })

  it('attack: a signature over another chain id (ccxt fed a tampered system config) is an AuthenticationError', async () => {
    const honest = user(HARDHAT_0)
    await honest.exchange.onboarding()
    const config = (await (await fetch(`${sigil.paradex}/v1/system/config`)).json()) as Record<
      string,
      unknown
    >
    const tampered = user(HARDHAT_0, {
      systemConfig: { ...config, starknet_chain_id: 'PRIVATE_SN_PARACLEAR_MAINNET' },
    })
    const error = await rejectionOf(tampered.exchange.authenticateRest())
    expect(error).toBeInstanceOf(ccxt.AuthenticationError)
    expect(error.message).toContain('"error":"STARKNET_SIGNATURE_VERIFICATION_FAILED"')
    // Same key and address: only the signed domain differs.
    expect((tampered.exchange.options.paradexAccount as StarkAccount).address).toBe(A2.account)
  })

  it('behavior: the signed window is Sigil-clock checked: ccxt’s 180 s expiration already behind the server is refused', async () => {
    const { exchange } = user(HARDHAT_0)
    await exchange.onboarding()
    sigil.server.clock.set(Date.now() + 600_000)
    const error = await rejectionOf(exchange.authenticateRest())
    expect(error).toBeInstanceOf(ccxt.AuthenticationError)
    expect(error.message).toContain('"error":"INVALID_SIGNATURE_EXPIRATION"')
  })

  it('behavior: a timestamp further ahead of Sigil’s clock than the skew is refused as BadRequest INVALID_TIMESTAMP', async () => {
    const { exchange } = user(HARDHAT_0)
    await exchange.onboarding()
    sigil.server.clock.set(Date.now() - 120_000)
    const error = await rejectionOf(exchange.authenticateRest())
    expect(error).toBeInstanceOf(ccxt.BadRequest)
    expect(error.message).toContain('"error":"INVALID_TIMESTAMP"')
  })

  it('behavior: the ccxt JWT lives 300 s (plus the JWT clock tolerance) on Sigil’s clock: the native API refuses it afterwards', async () => {
    const { exchange } = user(HARDHAT_0)
    await exchange.onboarding()
    const jwt = (await exchange.authenticateRest())!
    const claims = decodeJwt(jwt)
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300)
    const deadline = (Number(claims.exp) + sigil.server.config.jwtClockToleranceSeconds) * 1000
    sigil.server.clock.set(deadline - 1000)
    expect((await nativeMe(sigil, jwt)).status).toBe(200)
    sigil.server.clock.set(deadline)
    expect((await nativeMe(sigil, jwt)).status).toBe(401)
  })
})

describe('Paradex at the root (paradex.prefix "", native.prefix moved): ccxt with only its host changed', () => {
  let sigil: LiveSigil
  beforeEach(async () => {
    sigil = await listenSigil({ 'paradex.prefix': '', 'native.prefix': '/sigil' })
  })
  afterEach(() => sigil.close())

  it('behavior: urls.api.v1 = <host>/v1, exactly Paradex’s layout: onboarding() and authenticateRest() work; /sigil/v1 takes the JWT', async () => {
    const wallet = new Wallet(HARDHAT_0)
    const { exchange, requests } = ccxtParadex(sigil, {
      walletAddress: wallet.address,
      privateKey: HARDHAT_0,
    })
    expect(exchange.urls.api.v1).toBe(`${sigil.origin}/v1`)
    await exchange.onboarding()
    const jwt = (await exchange.authenticateRest())!
    expect(decodeJwt(jwt).sub).toBe(A2.account)
    expect(requests).toEqual(['GET /v1/system/config', 'POST /v1/onboarding', 'POST /v1/auth'])
    const me = await nativeMe(sigil, jwt)
    expect(me.status).toBe(200)
    expect(me.body.account.id).toBe(A2.account)
  })
})
