import { describe, expect, it } from 'vitest'
import { MAX_CHANNEL_LENGTH, paradexChannelRules, parseParadexChannel } from './paradex-channels.js'

describe('Paradex channels', () => {
  it.for([
    'account',
    'balance_events',
    'fills.ALL',
    'fills.BTC-USD-PERP',
    'funding_payments.ETH-USD-PERP',
    'orders.ALL',
    'positions',
    'rfq',
    'rfq.1718179273230201709',
    'tradebusts',
    'transaction',
    'transfers',
  ])('behavior: %s is a private channel', (name) => {
    expect(parseParadexChannel(name)).toMatchObject({ name, private: true })
  })

  it.for([
    'markets_summary',
    'markets_summary.BTC-USD-PERP',
    'funding_data',
    'funding_data.kBONK-USD-PERP',
    'trades.ALL',
    'trades.BTC-USD-PERP',
    'bbo.BTC-USD-PERP',
    'order_book.BTC-USD-PERP.snapshot@15@100ms',
    'order_book.BTC-USD-PERP.snapshot@15@50ms@0_1',
    'order_book.ETH-USD-27JUN25-3000-C.deltas',
  ])('behavior: %s is a public channel', (name) => {
    expect(parseParadexChannel(name)).toMatchObject({ name, private: false })
  })

  it.for([
    '',
    'orders',
    'orders.',
    'orders.BTC.USD',
    'account.BTC-USD-PERP',
    'bbo',
    'bbo.ALL',
    'markets_summary.ALL',
    'order_book.BTC-USD-PERP',
    'order_book.BTC-USD-PERP.snapshot@15',
    'order_book.BTC-USD-PERP.snapshot@15@100ms@x',
    'candles.BTC-USD-PERP',
    '__proto__',
    'constructor',
    'ORDERS.ALL',
    'orders.BTC USD',
    `orders.${'A'.repeat(MAX_CHANNEL_LENGTH)}`,
  ])('behavior: %j is not a channel', (name) => {
    expect(parseParadexChannel(name)).toBeNull()
  })

  it('behavior: a market channel is also heard by its family catch-all; catch-alls and bare channels only by themselves', () => {
    const reaches = (name: string) => paradexChannelRules.classify(name)?.reaches
    expect(reaches('orders.BTC-USD-PERP')).toEqual(['orders.BTC-USD-PERP', 'orders.ALL'])
    expect(reaches('trades.BTC-USD-PERP')).toEqual(['trades.BTC-USD-PERP', 'trades.ALL'])
    expect(reaches('markets_summary.BTC-USD-PERP')).toEqual([
      'markets_summary.BTC-USD-PERP',
      'markets_summary',
    ])
    expect(reaches('rfq.42')).toEqual(['rfq.42', 'rfq'])
    expect(reaches('orders.ALL')).toEqual(['orders.ALL'])
    expect(reaches('positions')).toEqual(['positions'])
    expect(reaches('bbo.BTC-USD-PERP')).toEqual(['bbo.BTC-USD-PERP'])
    expect(reaches('order_book.BTC-USD-PERP.deltas')).toEqual(['order_book.BTC-USD-PERP.deltas'])
    expect(paradexChannelRules.classify('nope')).toBeNull()
  })
})
