import { describe, expect, it } from 'vitest'
import type { Identity } from '../identity.js'
import { paradexChannelRules } from '../paradex/paradex-channels.js'
import { createPublishHub, type HubSubscriber } from './create-publish-hub.js'

const identityOf = (accountId: string, isolatedAccountIds?: string[]): Identity => ({
  accountId,
  scopes: ['read', 'trade'],
  via: 'jwt',
  ...(isolatedAccountIds ? { isolatedAccountIds } : {}),
})

function subscriber(initial: Identity | null = null) {
  const received: [string, unknown][] = []
  let identity = initial
  const self: HubSubscriber & { received: typeof received; become(next: Identity | null): void } = {
    received,
    identity: () => identity,
    deliver: (channel, data) => {
      received.push([channel, data])
    },
    become: (next) => {
      identity = next
    },
  }
  return self
}

describe('publish hub', () => {
  it('behavior: a public message reaches every subscriber of its channel, authenticated or not, and no one else', async () => {
    const hub = createPublishHub(paradexChannelRules)
    const anonymous = subscriber()
    const alice = subscriber(identityOf('alice'))
    const elsewhere = subscriber()
    hub.subscribe('trades.BTC-USD-PERP', anonymous)
    hub.subscribe('trades.BTC-USD-PERP', alice)
    hub.subscribe('trades.ETH-USD-PERP', elsewhere)
    await hub.publish({ channel: 'trades.BTC-USD-PERP', data: { price: '1' } })
    expect(anonymous.received).toEqual([['trades.BTC-USD-PERP', { price: '1' }]])
    expect(alice.received).toEqual([['trades.BTC-USD-PERP', { price: '1' }]])
    expect(elsewhere.received).toEqual([])
  })

  it('behavior: a private message reaches only subscribers acting for its account, never an anonymous one', async () => {
    const hub = createPublishHub(paradexChannelRules)
    const alice = subscriber(identityOf('alice'))
    const bob = subscriber(identityOf('bob'))
    const anonymous = subscriber()
    for (const s of [alice, bob, anonymous]) hub.subscribe('orders.ALL', s)
    await hub.publish({ channel: 'orders.ALL', data: { id: 1 }, accountId: 'alice' })
    expect(alice.received).toEqual([['orders.ALL', { id: 1 }]])
    expect(bob.received).toEqual([])
    expect(anonymous.received).toEqual([])
  })

  it("behavior: an identity authorized for isolated-market accounts receives theirs too; the isolated account's own identity does not receive the main account's", async () => {
    const hub = createPublishHub(paradexChannelRules)
    const main = subscriber(identityOf('main', ['isolated-1']))
    const isolated = subscriber(identityOf('isolated-1'))
    hub.subscribe('positions', main)
    hub.subscribe('positions', isolated)
    await hub.publish({ channel: 'positions', data: 'for isolated', accountId: 'isolated-1' })
    await hub.publish({ channel: 'positions', data: 'for main', accountId: 'main' })
    await hub.publish({ channel: 'positions', data: 'for another', accountId: 'isolated-2' })
    expect(main.received.map(([, data]) => data)).toEqual(['for isolated', 'for main'])
    expect(isolated.received.map(([, data]) => data)).toEqual(['for isolated'])
  })

  it('behavior: the identity is read at delivery: after a re-authentication the next message follows the new account', async () => {
    const hub = createPublishHub(paradexChannelRules)
    const socket = subscriber(identityOf('alice'))
    hub.subscribe('fills.ALL', socket)
    socket.become(identityOf('bob'))
    await hub.publish({ channel: 'fills.ALL', data: 'alice', accountId: 'alice' })
    await hub.publish({ channel: 'fills.ALL', data: 'bob', accountId: 'bob' })
    expect(socket.received).toEqual([['fills.ALL', 'bob']])
  })

  it('behavior: a market message also reaches the family catch-all, under the name subscribed to', async () => {
    const hub = createPublishHub(paradexChannelRules)
    const all = subscriber(identityOf('alice'))
    const one = subscriber(identityOf('alice'))
    const other = subscriber(identityOf('alice'))
    hub.subscribe('orders.ALL', all)
    hub.subscribe('orders.BTC-USD-PERP', one)
    hub.subscribe('orders.ETH-USD-PERP', other)
    await hub.publish({ channel: 'orders.BTC-USD-PERP', data: 'o', accountId: 'alice' })
    expect(all.received).toEqual([['orders.ALL', 'o']])
    expect(one.received).toEqual([['orders.BTC-USD-PERP', 'o']])
    expect(other.received).toEqual([])
  })

  it('behavior: unsubscribing stops delivery, once and idempotently, and leaves other channels alone', async () => {
    const hub = createPublishHub(paradexChannelRules)
    const s = subscriber()
    const stop = hub.subscribe('bbo.BTC-USD-PERP', s)
    hub.subscribe('trades.ALL', s)
    stop()
    stop()
    await hub.publish({ channel: 'bbo.BTC-USD-PERP', data: 1 })
    await hub.publish({ channel: 'trades.BTC-USD-PERP', data: 2 })
    expect(s.received).toEqual([['trades.ALL', 2]])
  })

  it('behavior: refuses to guess: an unknown channel, or a private one without its account, rejects and delivers nothing', async () => {
    const hub = createPublishHub(paradexChannelRules)
    const s = subscriber(identityOf('alice'))
    hub.subscribe('orders.ALL', s)
    await expect(hub.publish({ channel: 'orders.ALL', data: 1 })).rejects.toThrow(TypeError)
    await expect(hub.publish({ channel: 'candles.BTC', data: 1 })).rejects.toThrow(RangeError)
    expect(() => hub.subscribe('candles.BTC', s)).toThrow(RangeError)
    expect(s.received).toEqual([])
  })

  it('behavior: a public message published with an account is restricted to that account', async () => {
    const hub = createPublishHub(paradexChannelRules)
    const alice = subscriber(identityOf('alice'))
    const anonymous = subscriber()
    hub.subscribe('markets_summary', alice)
    hub.subscribe('markets_summary', anonymous)
    await hub.publish({ channel: 'markets_summary', data: 1, accountId: 'alice' })
    expect(alice.received).toHaveLength(1)
    expect(anonymous.received).toEqual([])
  })

  it('behavior: a subscriber that throws (or unsubscribes others mid-delivery) does not stop the rest', async () => {
    const errors: unknown[] = []
    const hub = createPublishHub(paradexChannelRules, { onDeliveryError: (e) => errors.push(e) })
    const broken: HubSubscriber = {
      identity: () => null,
      deliver: () => {
        throw new Error('socket gone')
      },
    }
    const later = subscriber()
    let stopLater = () => {}
    const stopper: HubSubscriber = { identity: () => null, deliver: () => stopLater() }
    hub.subscribe('trades.ALL', broken)
    hub.subscribe('trades.ALL', stopper)
    stopLater = hub.subscribe('trades.ALL', later)
    await hub.publish({ channel: 'trades.ALL', data: 'first' })
    await hub.publish({ channel: 'trades.ALL', data: 'second' })
    expect(errors).toHaveLength(2)
    expect(later.received).toEqual([['trades.ALL', 'first']])
  })
})
