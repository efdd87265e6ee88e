import ccxt from 'ccxt'
import { Wallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ccxtParadex, type LiveSigil, listenSigil, rejectionOf } from './support/ccxt-paradex.js'
import { A2 } from './support/paradex-vectors.js'
import { startUpstream, type Upstream } from './support/upstream-server.js'

/** Hardhat #0: ccxt derives vector A2's Paradex account from it. */
const HARDHAT_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

/** A trading backend answering /v1/balance in Paradex's shape, and 401 to anything it sees unsigned. */
const backend = () =>
  startUpstream((request, response) => {
    response.setHeader('content-type', 'application/json')
    if (request.url === '/v1/balance' && request.headers['x-sigil-account-id']) {
      response.end(JSON.stringify({ results: [{ token: 'USDC', size: '1250.5', last_updated_at: 1 }] }))
    } else {
      response.statusCode = 404
      response.end(JSON.stringify({ error: 'NOT_FOUND', message: 'no such route', data: null }))
    }
  })

describe('Paradex upstream: unmodified ccxt 4.5.84 through Sigil to a backend', () => {
  let upstream: Upstream
  let sigil: LiveSigil
  beforeEach(async () => {
    upstream = await backend()
    sigil = await listenSigil({ paradexUpstreamUrl: upstream.url })
  })
  afterEach(async () => {
    await sigil.close()
    await upstream.close()
  })

  const client = () => {
    const wallet = new Wallet(HARDHAT_0)
    return ccxtParadex(sigil, { walletAddress: wallet.address, privateKey: HARDHAT_0 })
  }

  it("behavior: fetchBalance(): ccxt's Bearer is checked by Sigil, the backend gets the account and no token", async () => {
    const { exchange, requests } = client()
    await exchange.onboarding()
    // ccxt loads markets (a public, unsigned call) before a balance: give it some, as a user can.
    exchange.setMarkets([])
    const balance = await exchange.fetchBalance()
    expect(balance.USDC).toMatchObject({ total: 1250.5 })

    expect(requests.at(-1)).toBe('GET /paradex/v1/balance')
    expect(upstream.received).toHaveLength(1)
    const { headers } = upstream.received[0]!
    expect(headers).toMatchObject({
      'x-sigil-account-id': A2.account,
      'x-sigil-credential': 'jwt',
      'x-sigil-scopes': 'read trade',
      'paradex-partner': 'CCXT',
    })
    expect(headers.authorization).toBeUndefined()
  })

  it("error: ccxt's own unsigned public calls (loadMarkets: GET /v1/markets) are refused as AuthenticationError, and never reach the backend", async () => {
    const { exchange } = client()
    const error = await rejectionOf(exchange.fetchMarkets())
    expect(error).toBeInstanceOf(ccxt.AuthenticationError)
    expect(error.message).toContain('missing or malformed jwt')
    expect(upstream.received).toEqual([])
  })
})
