import ccxt from 'ccxt'
import { Wallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ccxtParadex, type LiveSigil, listenSigil } from './support/ccxt-paradex.js'
import { A2 } from './support/paradex-vectors.js'

/** Hardhat #0: ccxt derives the A2 vector account from it. */
const HARDHAT_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

/** ccxt's own sample order push (js/src/pro/paradex.js, handleOrder), for A2. */
const order = {
  account: A2.account,
  avg_fill_price: '26000',
  client_id: 'x1234',
  cancel_reason: '',
  created_at: 1681493746016,
  flags: ['REDUCE_ONLY'],
  id: '123456',
  instruction: 'GTC',
  last_updated_at: 1681493746016,
  market: 'BTC-USD-PERP',
  price: '26000',
  remaining_size: '0',
  side: 'BUY',
  size: '0.05',
  status: 'NEW',
  type: 'LIMIT',
}

describe('Paradex WebSocket: unmodified ccxt.pro 4.5.84', () => {
  let sigil: LiveSigil
  beforeEach(async () => {
    sigil = await listenSigil()
  })
  afterEach(() => sigil.close())

  const pro = async (privateKey: string) => {
    const { exchange, requests } = ccxtParadex(
      sigil,
      { walletAddress: new Wallet(privateKey).address, privateKey },
      {},
      ccxt.pro.paradex,
    )
    // Plain ws:// needs this (spec §8); markets are outside Sigil (GET /v1/markets is not served).
    await exchange.loadHttpProxyAgent()
    exchange.setMarkets([])
    return { exchange, requests }
  }

  it('behavior: watchOrders(): REST auth, WS auth, subscribe orders.ALL without id, then a published order resolves it', async () => {
    const { exchange, requests } = await pro(HARDHAT_0)
    try {
      await exchange.onboarding()
      const watching = exchange.watchOrders()
      let settled = false
      void watching.finally(() => {
        settled = true
      })
      // The subscription lands after ccxt's REST and WS auth: publish until ccxt has it.
      while (!settled) {
        await sigil.server.gateway.publishHub.publish({
          channel: 'orders.BTC-USD-PERP',
          data: order,
          accountId: A2.account,
        })
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      const orders = await watching
      expect(orders[0]).toMatchObject({
        id: '123456',
        side: 'buy',
        type: 'limit',
        price: 26000,
        amount: 0.05,
      })
      expect(requests).toContain('POST /paradex/v1/auth')
    } finally {
      await exchange.close()
    }
  })
})
