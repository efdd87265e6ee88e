import ccxt from 'ccxt'
import { Wallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ccxtParadex, type LiveSigil, listenSigil, rejectionOf } from './support/ccxt-paradex.js'
import { decodeJwt } from './support/paradex-client.js'
import { A2 } from './support/paradex-vectors.js'

const HARDHAT_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

/** One perpetual, as a user passes cached markets (`setMarkets`); loadMarkets is not auth's business. */
const ETH_PERP = {
  id: 'ETH-USD-PERP',
  symbol: 'ETH/USD:USDC',
  base: 'ETH',
  quote: 'USD',
  settle: 'USDC',
  baseId: 'ETH',
  quoteId: 'USD',
  settleId: 'USDC',
  type: 'swap',
  spot: false,
  margin: false,
  swap: true,
  future: false,
  option: false,
  active: true,
  contract: true,
  linear: true,
  inverse: false,
  contractSize: 1,
}

/** A Paradex `orders` push payload (the shape ccxt's handleOrder parses). */
const order = (id: string, account: string) => ({
  account,
  avg_fill_price: '',
  client_id: `client-${id}`,
  cancel_reason: '',
  created_at: 1_718_529_757_240,
  flags: [],
  id,
  instruction: 'GTC',
  last_updated_at: 1_718_529_757_240,
  market: 'ETH-USD-PERP',
  price: '3000',
  remaining_size: '0.5',
  side: 'BUY',
  size: '0.5',
  status: 'OPEN',
  type: 'LIMIT',
})

type Frame = Record<string, unknown> & { result?: Record<string, unknown>; error?: Record<string, unknown> }

describe('Paradex WebSocket with unmodified ccxt.pro 4.5.84: auth and a private subscription', () => {
  let sigil: LiveSigil
  const open: { close(): Promise<unknown> }[] = []
  beforeEach(async () => {
    sigil = await listenSigil()
  })
  afterEach(async () => {
    await Promise.all(open.splice(0).map((exchange) => exchange.close()))
    await sigil.close()
  })

  /**
   * A ccxt.pro paradex on Sigil's REST and WebSocket URLs. Frames ccxt receives are recorded (its
   * handleMessage is observed, not changed), and `frame(predicate)` resolves on the first match.
   */
  const user = async (options: Record<string, unknown> = {}) => {
    const wallet = new Wallet(HARDHAT_0)
    const { exchange, requests } = ccxtParadex(
      sigil,
      { walletAddress: wallet.address, privateKey: HARDHAT_0 },
      options,
      ccxt.pro.paradex,
    )
    open.push(exchange)
    // ccxt.pro refuses a plain ws:// URL until this has been called (spec §8).
    await exchange.loadHttpProxyAgent()
    const frames: Frame[] = []
    const waiting: { match: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = []
    const handle = exchange.handleMessage.bind(exchange)
    exchange.handleMessage = (client: Parameters<typeof handle>[0], message: Frame) => {
      frames.push(message)
      for (const waiter of waiting.filter((w) => w.match(message))) {
        waiting.splice(waiting.indexOf(waiter), 1)
        waiter.resolve(message)
      }
      return handle(client, message)
    }
    const frame = (match: (frame: Frame) => boolean) =>
      new Promise<Frame>((resolve) => {
        const seen = frames.find(match)
        if (seen) resolve(seen)
        else waiting.push({ match, resolve })
      })
    return { exchange, requests, frames, frame }
  }

  it('behavior: onboarding(), then authenticate(): ccxt’s REST JWT opens the socket; Sigil answers auth with a node_id', async () => {
    const { exchange, requests, frames } = await user()
    await exchange.onboarding()
    expect(await exchange.authenticate()).toBe(true)

    expect(requests).toEqual([
      'GET /paradex/v1/system/config',
      'POST /paradex/v1/onboarding',
      'POST /paradex/v1/auth',
    ])
    expect(decodeJwt(exchange.options.authToken as string).sub).toBe(A2.account)
    expect(frames).toHaveLength(1)
    expect(frames[0]).toMatchObject({ jsonrpc: '2.0', id: 1, result: { node_id: expect.any(String) } })
  })

  it('behavior: watchOrders() receives the account’s order published through the hub, and not another account’s', async () => {
    const { exchange, frame } = await user()
    exchange.setMarkets([ETH_PERP])
    await exchange.onboarding()

    const watching = exchange.watchOrders()
    // ccxt subscribes without an id; Sigil's ack (result.channel) means the hub now routes to it.
    const ack = await frame((f) => f.result?.channel === 'orders.ALL')
    expect(ack).toMatchObject({ jsonrpc: '2.0', result: { channel: 'orders.ALL' } })

    const stranger = '0x1234'
    await sigil.server.gateway.publishHub.publish({
      channel: 'orders.ETH-USD-PERP',
      accountId: stranger,
      data: order('theirs', stranger),
    })
    await sigil.server.gateway.publishHub.publish({
      channel: 'orders.ETH-USD-PERP',
      accountId: A2.account,
      data: order('mine', A2.account),
    })

    const orders = await watching
    expect(orders).toHaveLength(1)
    expect(orders[0]).toMatchObject({
      id: 'mine',
      clientOrderId: 'client-mine',
      symbol: 'ETH/USD:USDC',
      side: 'buy',
      type: 'limit',
      price: 3000,
      amount: 0.5,
      status: 'open',
    })
  })

  it('behavior: the socket stays authenticated past the JWT’s expiry (Paradex §8): a later watchOrders() still gets the account’s orders', async () => {
    const { exchange, frame, frames } = await user()
    exchange.setMarkets([ETH_PERP])
    await exchange.onboarding()
    await exchange.authenticate()
    const claims = decodeJwt(exchange.options.authToken as string)
    sigil.server.clock.set((Number(claims.exp) + sigil.server.config.jwtClockToleranceSeconds + 60) * 1000)

    const watching = exchange.watchOrders()
    await frame((f) => f.result?.channel === 'orders.ALL')
    await sigil.server.gateway.publishHub.publish({
      channel: 'orders.ETH-USD-PERP',
      accountId: A2.account,
      data: order('later', A2.account),
    })
    const orders = await watching
    expect(orders.map((o) => o.id)).toEqual(['later'])
    // One auth on the socket: ccxt did not re-authenticate, and Sigil did not ask it to.
    expect(frames.filter((f) => f.result?.node_id !== undefined)).toHaveLength(1)
  })

  it('error: a garbage bearer (ccxt’s cached token): Sigil answers 40110, ccxt rejects authenticate()', async () => {
    const { exchange, requests, frames } = await user({
      authToken: 'garbage',
      expires: Math.floor(Date.now() / 1000) + 3600,
    })
    const error = await rejectionOf(exchange.authenticate())
    // ccxt maps every WebSocket error to BadRequest (its handleErrorMessage), whatever the code.
    expect(error).toBeInstanceOf(ccxt.BadRequest)
    expect(error.message).toContain('40110')
    expect(requests).toEqual([])
    expect(frames[0]).toMatchObject({ id: 1, error: { code: 40110, message: 'Malformed Bearer Token' } })
  })

  it('error: a real JWT past its lifetime on Sigil’s clock (ccxt still holds it as fresh): 40111, ccxt rejects', async () => {
    const { exchange, frames } = await user()
    await exchange.onboarding()
    const claims = decodeJwt((await exchange.authenticateRest())!)
    sigil.server.clock.set((Number(claims.exp) + sigil.server.config.jwtClockToleranceSeconds) * 1000)

    const error = await rejectionOf(exchange.authenticate())
    expect(error).toBeInstanceOf(ccxt.BadRequest)
    expect(error.message).toContain('40111')
    expect(frames[0]).toMatchObject({ id: 1, error: { code: 40111, message: 'Invalid Bearer Token' } })
  })
})
