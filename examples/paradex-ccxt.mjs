// A Paradex trader on a running Sigil, with the unmodified ccxt client: onboarding, REST auth
// (the 300 s JWT), the JWT on Sigil's own API, then the WebSocket `auth` and a private channel.
// Usage: node examples/paradex-ccxt.mjs [base-url]   (Sigil with the default paradex.prefix)
import ccxt from 'ccxt'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'

const base = process.argv[2] ?? 'http://localhost:8080'
const key = generatePrivateKey()
const exchange = new ccxt.pro.paradex({ walletAddress: privateKeyToAccount(key).address, privateKey: key })
exchange.urls.api = {
  v1: `${base}/paradex/v1`,
  v2: `${base}/paradex/v2`,
  ws: `${base.replace(/^http/, 'ws')}/paradex/v1`,
}
// ccxt.pro needs this once for a plain ws:// URL (wss:// does not).
await exchange.loadHttpProxyAgent()

await exchange.onboarding()
const jwt = await exchange.authenticateRest()
const { sub, exp, iat } = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())
console.log('account', sub, `JWT for ${exp - iat} s`)

const me = await fetch(`${base}/v1/auth/me`, { headers: { authorization: `Bearer ${jwt}` } })
console.log('native /v1/auth/me', me.status, (await me.json()).scopes)

await exchange.authenticate() // the WebSocket `auth` with the same JWT
console.log('WebSocket authenticated; orders.ALL is now open to this socket')
await exchange.close()
