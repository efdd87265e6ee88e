/**
 * A market symbol as venues write them: `BTC-USD-PERP`, `kBONK-USD-PERP`, `ETH-USD-27JUN25-3000-C`.
 * No dots, so a channel name (`orders.{market}`) splits unambiguously. The one definition for
 * WebSocket channels and isolated-market links.
 */
export const MARKET_SYMBOL = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/
