import { MARKET_SYMBOL } from '../market.js'
import type { ChannelRules } from '../publish-hub/create-publish-hub.js'

/**
 * Paradex WebSocket channels (spec/paradex.md §8, paradex-py's channel list, ccxt's watchers).
 * Private channels carry one account's own data and are only open after `auth`; public ones are
 * market data anyone may read. A name outside these families is refused, so a subscription can
 * never name a channel the hub would not route.
 */
export const MAX_CHANNEL_LENGTH = 128

/** What may follow `family.`: a market, `ALL`, an RFQ id, or an order-book stream spec. */
type Suffix = 'none' | 'market' | 'market-or-all' | 'optional-market' | 'optional-id' | 'order-book'

const FAMILIES: Record<string, { private: boolean; suffix: Suffix }> = {
  account: { private: true, suffix: 'none' },
  balance_events: { private: true, suffix: 'none' },
  fills: { private: true, suffix: 'market-or-all' },
  funding_payments: { private: true, suffix: 'market-or-all' },
  orders: { private: true, suffix: 'market-or-all' },
  positions: { private: true, suffix: 'none' },
  rfq: { private: true, suffix: 'optional-id' },
  tradebusts: { private: true, suffix: 'none' },
  transaction: { private: true, suffix: 'none' },
  transfers: { private: true, suffix: 'none' },
  bbo: { private: false, suffix: 'market' },
  funding_data: { private: false, suffix: 'optional-market' },
  markets_summary: { private: false, suffix: 'optional-market' },
  order_book: { private: false, suffix: 'order-book' },
  trades: { private: false, suffix: 'market-or-all' },
}

const MARKET = MARKET_SYMBOL
const RFQ_ID = /^[A-Za-z0-9_-]{1,64}$/
// order_book.{market}.snapshot@15@{refresh}[@{price tick}] or order_book.{market}.deltas
const ORDER_BOOK =
  /^([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.(?:snapshot@\d{1,3}@\d{1,5}ms(?:@[0-9_]{1,20})?|deltas)$/
const ALL = 'ALL'

export interface ParadexChannel {
  name: string
  family: string
  private: boolean
  /**
   * The catch-all subscription of the family that also receives this channel's messages:
   * `orders.ALL` for `orders.BTC-USD-PERP`, `markets_summary` for `markets_summary.ETH-USD-PERP`.
   */
  catchAll?: string
}

function suffixIsValid(suffix: Suffix, rest: string | undefined): boolean {
  switch (suffix) {
    case 'none':
      return rest === undefined
    case 'market':
      return rest !== undefined && rest !== ALL && MARKET.test(rest)
    case 'market-or-all':
      return rest !== undefined && MARKET.test(rest)
    case 'optional-market':
      return rest === undefined || (rest !== ALL && MARKET.test(rest))
    case 'optional-id':
      return rest === undefined || RFQ_ID.test(rest)
    case 'order-book':
      return rest !== undefined && ORDER_BOOK.test(rest)
  }
}

function catchAllOf(family: string, suffix: Suffix, rest: string | undefined): string | undefined {
  if (rest === undefined) return undefined
  if (suffix === 'market-or-all') return rest === ALL ? undefined : `${family}.${ALL}`
  if (suffix === 'optional-market' || suffix === 'optional-id') return family
  return undefined
}

/** The channel a name denotes, or null when it is not one (unknown family, bad suffix, too long). */
export function parseParadexChannel(name: string): ParadexChannel | null {
  if (name.length === 0 || name.length > MAX_CHANNEL_LENGTH) return null
  const dot = name.indexOf('.')
  const family = dot === -1 ? name : name.slice(0, dot)
  const rest = dot === -1 ? undefined : name.slice(dot + 1)
  const rule = Object.hasOwn(FAMILIES, family) ? FAMILIES[family] : undefined
  if (!rule || !suffixIsValid(rule.suffix, rest)) return null
  const catchAll = catchAllOf(family, rule.suffix, rest)
  return { name, family, private: rule.private, ...(catchAll ? { catchAll } : {}) }
}

/** The rules the publish hub routes Paradex channels by. */
export const paradexChannelRules: ChannelRules = {
  classify(channel) {
    const parsed = parseParadexChannel(channel)
    if (!parsed) return null
    return {
      private: parsed.private,
      reaches: parsed.catchAll ? [parsed.name, parsed.catchAll] : [parsed.name],
    }
  },
}
