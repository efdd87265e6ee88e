import { afterEach, describe, expect, it } from 'vitest'
import { A1, A2 } from './support/paradex-vectors.js'
import {
  auth,
  connect,
  listenParadex,
  mintedJwt,
  paradexJwt,
  subscribe,
  unsubscribe,
  type WsClient,
} from './support/paradex-ws.js'
import type { TestServer } from './support/test-server.js'

describe('Paradex WebSocket: channels', () => {
  let server: TestServer
  const clients: WsClient[] = []
  const start = async (flags: Record<string, unknown> = {}) => {
    const listening = await listenParadex(flags)
    server = listening.server
    return async () => {
      const client = await connect(listening.ws)
      clients.push(client)
      return client
    }
  }
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    await server.close()
  })

  it('behavior: a public channel is open without auth; subscribe without an id (as ccxt sends it) is answered without one', async () => {
    const open = await start()
    const client = await open()
    const reply = await subscribe(client, 'trades.ALL')
    expect(reply).toEqual({
      jsonrpc: '2.0',
      result: { channel: 'trades.ALL' },
      usIn: expect.any(Number),
      usDiff: expect.any(Number),
    })
    expect(reply).not.toHaveProperty('id')
    await server.gateway.publishHub.publish({ channel: 'trades.BTC-USD-PERP', data: { price: '1' } })
    expect(await client.next()).toEqual({
      jsonrpc: '2.0',
      method: 'subscription',
      params: { channel: 'trades.ALL', data: { price: '1' } },
    })
  })

  it('behavior: with an id, subscribe and unsubscribe echo it', async () => {
    const open = await start()
    const client = await open()
    const params = { channel: 'bbo.BTC-USD-PERP' }
    expect(await client.call({ jsonrpc: '2.0', id: 'a', method: 'subscribe', params })).toMatchObject({
      result: params,
      id: 'a',
    })
    expect(await client.call({ jsonrpc: '2.0', id: 8, method: 'unsubscribe', params })).toMatchObject({
      result: params,
      id: 8,
    })
  })

  it.for([
    'account',
    'balance_events',
    'fills.ALL',
    'funding_payments.BTC-USD-PERP',
    'orders.ALL',
    'positions',
    'rfq',
    'rfq.123',
    'tradebusts',
    'transaction',
    'transfers',
  ])('behavior: private %s before auth is refused with 40110, and nothing is subscribed', async (channel) => {
    const open = await start()
    const client = await open()
    const reply = await client.call({ jsonrpc: '2.0', id: 1, method: 'subscribe', params: { channel } })
    expect(reply).toMatchObject({
      error: {
        code: 40110,
        message: 'Malformed Bearer Token',
        data: 'auth before subscribing to a private channel',
      },
      id: 1,
    })
    expect((await unsubscribe(client, channel)).error.code).toBe(100)
  })

  it('behavior: subscribing twice, or unsubscribing from a channel not subscribed, is 100 (method error)', async () => {
    const open = await start()
    const client = await open()
    await subscribe(client, 'markets_summary')
    expect((await subscribe(client, 'markets_summary')).error).toEqual({
      code: 100,
      message: 'Method error',
      data: 'already subscribed',
    })
    expect((await unsubscribe(client, 'funding_data')).error).toEqual({
      code: 100,
      message: 'Method error',
      data: 'not subscribed',
    })
  })

  it('behavior: after unsubscribe nothing more arrives from that channel', async () => {
    const open = await start()
    const client = await open()
    await subscribe(client, 'bbo.BTC-USD-PERP')
    await subscribe(client, 'trades.ALL')
    expect((await unsubscribe(client, 'bbo.BTC-USD-PERP')).result).toEqual({ channel: 'bbo.BTC-USD-PERP' })
    await server.gateway.publishHub.publish({ channel: 'bbo.BTC-USD-PERP', data: 'bbo' })
    await server.gateway.publishHub.publish({ channel: 'trades.ETH-USD-PERP', data: 'trade' })
    expect((await client.next()).params).toEqual({ channel: 'trades.ALL', data: 'trade' })
  })

  it.for([
    ['an unknown family', 'candles.BTC-USD-PERP'],
    ['a bare market family', 'bbo'],
    ['a private family with a market', 'account.BTC-USD-PERP'],
    ['an over-long name', `trades.${'A'.repeat(200)}`],
    ['an empty name', ''],
  ] as const)('behavior: %s is -32600 "invalid channel" (Paradex answers so)', async ([, channel]) => {
    const open = await start()
    const client = await open()
    expect((await subscribe(client, channel)).error).toEqual({
      code: -32600,
      message: 'Invalid Request',
      data: 'invalid channel',
    })
  })

  it('behavior: a missing or non-string channel is -32602 (invalid params)', async () => {
    const open = await start()
    const client = await open()
    for (const params of [{}, { channel: 7 }, ['trades.ALL'], undefined]) {
      const message = { jsonrpc: '2.0', id: 1, method: 'subscribe', ...(params ? { params } : {}) }
      expect([params, (await client.call(message)).error.code]).toEqual([params, -32602])
    }
    expect((await client.call({ jsonrpc: '2.0', method: 'unsubscribe', params: {} })).error.code).toBe(-32602)
  })

  it('behavior: a socket holds at most paradex.wsMaxSubscriptions channels (100 past it); unsubscribing frees a place', async () => {
    const open = await start({ 'paradex.wsMaxSubscriptions': 2 })
    const client = await open()
    await subscribe(client, 'trades.ALL')
    await subscribe(client, 'markets_summary')
    expect((await subscribe(client, 'funding_data')).error).toMatchObject({
      code: 100,
      data: 'too many subscriptions',
    })
    await unsubscribe(client, 'trades.ALL')
    expect((await subscribe(client, 'funding_data')).result).toEqual({ channel: 'funding_data' })
  })

  it("behavior: a private message reaches only its account's socket; the other socket gets the next public message first", async () => {
    const open = await start()
    const [alice, bob] = [await open(), await open()]
    await auth(alice, await paradexJwt(server, A2))
    await auth(bob, await paradexJwt(server, A1))
    for (const client of [alice, bob]) {
      await subscribe(client, 'orders.ALL')
      await subscribe(client, 'trades.BTC-USD-PERP')
    }
    const order = { id: 'o-1', market: 'BTC-USD-PERP', status: 'OPEN' }
    await server.gateway.publishHub.publish({
      channel: 'orders.BTC-USD-PERP',
      data: order,
      accountId: A2.account,
    })
    await server.gateway.publishHub.publish({ channel: 'trades.BTC-USD-PERP', data: { id: 't-1' } })

    expect((await alice.next()).params).toEqual({ channel: 'orders.ALL', data: order })
    expect((await alice.next()).params).toEqual({ channel: 'trades.BTC-USD-PERP', data: { id: 't-1' } })
    // Same socket, same order: had Bob been sent Alice's order, it would have come before this trade.
    expect((await bob.next()).params).toEqual({ channel: 'trades.BTC-USD-PERP', data: { id: 't-1' } })
    await expect(bob.next(200)).rejects.toThrow('no frame')
  })

  it('behavior: an anonymous socket on a public channel never receives a message published with an account', async () => {
    const open = await start()
    const anonymous = await open()
    await subscribe(anonymous, 'markets_summary')
    await server.gateway.publishHub.publish({
      channel: 'markets_summary',
      data: 'mine',
      accountId: A2.account,
    })
    await server.gateway.publishHub.publish({ channel: 'markets_summary', data: 'everyone' })
    expect((await anonymous.next()).params.data).toBe('everyone')
  })

  it('behavior: a token authorized for an isolated-market account receives that account’s private messages too; the isolated account’s own socket does not get the main one’s', async () => {
    const open = await start()
    const isolated = '0x1234'
    const [main, sub] = [await open(), await open()]
    await auth(main, await mintedJwt(server, A2.account, { isolatedAccountIds: [isolated] }))
    await auth(sub, await mintedJwt(server, isolated))
    for (const client of [main, sub]) {
      await subscribe(client, 'positions')
      await subscribe(client, 'markets_summary')
    }
    await server.gateway.publishHub.publish({ channel: 'positions', data: 'isolated', accountId: isolated })
    await server.gateway.publishHub.publish({ channel: 'positions', data: 'main', accountId: A2.account })
    await server.gateway.publishHub.publish({ channel: 'markets_summary', data: 'public' })
    expect([(await main.next()).params.data, (await main.next()).params.data]).toEqual(['isolated', 'main'])
    expect((await main.next()).params.data).toBe('public')
    expect([(await sub.next()).params.data, (await sub.next()).params.data]).toEqual(['isolated', 'public'])
  })

  it('behavior: data JSON cannot carry is dropped for that message only: the socket stays and gets the next one', async () => {
    const open = await start()
    const client = await open()
    await subscribe(client, 'trades.ALL')
    await server.gateway.publishHub.publish({ channel: 'trades.ALL', data: { size: 10n } })
    await server.gateway.publishHub.publish({ channel: 'trades.ALL', data: { size: '10' } })
    expect((await client.next()).params.data).toEqual({ size: '10' })
  })
})
