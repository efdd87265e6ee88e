import type { ServerResponse } from 'node:http'
import ccxt from 'ccxt'
import { Wallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ccxtParadex, type LiveSigil, listenSigil, rejectionOf } from './support/ccxt-paradex.js'
import { decodeJwt } from './support/paradex-client.js'
import { A2 } from './support/paradex-vectors.js'
import { type Received, startUpstream, type Upstream } from './support/upstream-server.js'

const HARDHAT_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

/** A Paradex-shaped trading backend: `GET /v1/balance`, `GET /v1/markets`, a Paradex 404 otherwise. */
const paradexBackend = (request: Received, response: ServerResponse) => {
  const json = (status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' })
    response.end(JSON.stringify(body))
  }
  const path = request.url.split('?')[0]
  if (request.method === 'GET' && path === '/v1/balance') {
    return json(200, { results: [{ token: 'USDC', size: '1234.5', last_updated_at: 1_718_529_757_240 }] })
  }
  if (request.method === 'GET' && path === '/v1/markets') return json(200, { results: [] })
  return json(404, { error: 'NOT_FOUND', message: 'no such route', data: null })
}

describe('Paradex reverse-proxy mode with unmodified ccxt 4.5.84: private REST through Sigil to a backend', () => {
  let upstream: Upstream
  let sigil: LiveSigil
  beforeEach(async () => {
    upstream = await startUpstream(paradexBackend)
    sigil = await listenSigil({ 'paradex.upstreamUrl': upstream.url })
  })
  afterEach(async () => {
    await sigil.close()
    await upstream.close()
  })

  const user = (options: Record<string, unknown> = {}) => {
    const wallet = new Wallet(HARDHAT_0)
    const client = ccxtParadex(sigil, { walletAddress: wallet.address, privateKey: HARDHAT_0 }, options)
    // Markets as a user passes cached ones, so that each test sees only its own calls.
    client.exchange.setMarkets([])
    return client
  }

  it('behavior: fetchBalance() after onboarding(): GET /v1/balance reaches the backend as the account, without the JWT', async () => {
    const { exchange, requests } = user()
    await exchange.onboarding()
    const balance = await exchange.fetchBalance()
    expect(balance.USDC?.total).toBe(1234.5)

    expect(requests).toEqual([
      'GET /paradex/v1/system/config',
      'POST /paradex/v1/onboarding',
      'POST /paradex/v1/auth',
      'GET /paradex/v1/balance',
    ])
    expect(upstream.received).toHaveLength(1)
    const [forwarded] = upstream.received
    expect(forwarded!.method).toBe('GET')
    expect(forwarded!.url).toBe('/v1/balance')
    expect(forwarded!.headers['x-sigil-account']).toBe(A2.account)
    expect(forwarded!.headers['x-sigil-scope']).toBe('read trade keys')
    expect(forwarded!.headers['paradex-partner']).toBe('CCXT')
    expect(forwarded!.headers.authorization).toBeUndefined()
    // The JWT ccxt sent is the one Sigil minted for that account.
    expect(decodeJwt(exchange.options.authToken as string).sub).toBe(A2.account)
  })

  it('error: a garbage token in ccxt’s cache: AuthenticationError (401 missing or malformed jwt), nothing forwarded', async () => {
    const { exchange, requests } = user({
      authToken: 'garbage',
      expires: Math.floor(Date.now() / 1000) + 3600,
    })
    const error = await rejectionOf(exchange.fetchBalance())
    expect(error).toBeInstanceOf(ccxt.AuthenticationError)
    expect(error.message).toContain('"error":"UNAUTHORIZED_ERROR"')
    expect(error.message).toContain('missing or malformed jwt')
    expect(requests).toEqual(['GET /paradex/v1/balance'])
    expect(upstream.received).toEqual([])
  })

  it('error: a JWT past its lifetime on Sigil’s clock (ccxt still holds it as fresh): AuthenticationError, nothing forwarded', async () => {
    const { exchange } = user()
    await exchange.onboarding()
    await exchange.fetchBalance()
    expect(upstream.received).toHaveLength(1)

    const claims = decodeJwt(exchange.options.authToken as string)
    sigil.server.clock.set((Number(claims.exp) + sigil.server.config.jwtClockToleranceSeconds) * 1000)
    const error = await rejectionOf(exchange.fetchBalance())
    expect(error).toBeInstanceOf(ccxt.AuthenticationError)
    expect(error.message).toContain('missing or malformed jwt')
    expect(upstream.received).toHaveLength(1)
  })

  // ccxt's public calls carry no token: loadMarkets (which fetchBalance, createOrder… run first
  // on a fresh instance) must reach the backend anonymously (paradex.upstreamPublicPaths).
  it('behavior: fetchBalance() on a fresh instance loads markets anonymously, then the balance as the account', async () => {
    const wallet = new Wallet(HARDHAT_0)
    const { exchange } = ccxtParadex(sigil, { walletAddress: wallet.address, privateKey: HARDHAT_0 })
    await exchange.onboarding()
    const balance = await exchange.fetchBalance()
    expect(balance.USDC?.total).toBe(1234.5)
    expect(upstream.received.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1/markets',
      'GET /v1/balance',
    ])
    const [markets, balanceCall] = upstream.received
    expect(markets!.headers['x-sigil-account']).toBeUndefined()
    expect(balanceCall!.headers['x-sigil-account']).toBe(A2.account)
  })
})
