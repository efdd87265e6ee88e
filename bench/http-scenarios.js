// The HTTP rows' scenarios: each drives one server with autocannon (the connections and seconds
// given) and returns the run, its server CPU time and the successes it counted.
import { generateKeyPairSync, sign } from 'node:crypto'
import { getStarkKey, sign as starkSign } from '@scure/starknet'
import {
  deriveParadexAccountAddress,
  PARADEX_AUTH_REQUEST,
  PARADEX_TESTNET_ACCOUNT_CLASS_HASHES,
  paradexOnboardingHash,
  paradexRequestHash,
} from '@sigil/protocol'
import autocannon from 'autocannon'
import { withServerCpu } from './sigil-server.js'
import { accessTokenOf, createApiKey, signInRequests } from './sign-in-load.js'

export function httpScenarios({ connections, duration }) {
  const measure = (server, options) =>
    withServerCpu(server, () => autocannon({ url: server.url, connections, duration, ...options }))

  async function benchSignIn(server) {
    let signedIn = 0
    let refused = 0
    const run = await measure(server, {
      requests: signInRequests(connections, (status) => {
        if (status === 200) signedIn++
        else refused++
      }),
    })
    return { ...run, ok: signedIn, refused, perSecond: signedIn / duration }
  }

  /** One GET repeated (autocannon options), counted as 2xx per second. */
  async function benchGet(server, options) {
    const run = await measure(server, options)
    const ok = run.result['2xx']
    return { ...run, ok, refused: run.result.non2xx, perSecond: ok / duration }
  }

  async function benchMe(server) {
    const accessToken = await accessTokenOf(server.url)
    return benchGet(server, {
      url: `${server.url}/v1/auth/me`,
      headers: { authorization: `Bearer ${accessToken}` },
    })
  }

  /** The floor every authenticated row is compared with: the same server's cheapest route. */
  const benchHealthz = (server) => benchGet(server, { url: `${server.url}/healthz` })

  /** Forward auth (what a reverse proxy asks on every trading request) with a JWT. */
  async function benchVerifyJwt(server) {
    const accessToken = await accessTokenOf(server.url)
    return benchGet(server, {
      url: `${server.url}/v1/verify/read`,
      headers: { authorization: `Bearer ${accessToken}` },
    })
  }

  /** Forward auth with an API key (a bot's credential): the cached key lookup + the secret's hash. */
  async function benchVerifyApiKey(server) {
    const accessToken = await accessTokenOf(server.url)
    const { secret } = await createApiKey(server.url, accessToken, { name: 'bench', scope: 'read' })
    return benchGet(server, { url: `${server.url}/v1/verify/read`, headers: { 'x-api-key': secret } })
  }

  /**
   * Forward auth with a signed-request key (RFC 9421, Ed25519): the same route as the bearer key's
   * row, every request signed anew by this process (a fresh nonce each, since the replay cache
   * refuses a repeated signature), so the server does what it does for a bot: parse the signature
   * fields, rebuild the signature base, the cached key lookup, one Ed25519 verify, one replay claim.
   */
  async function benchVerifySignedRequest(server) {
    const accessToken = await accessTokenOf(server.url)
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const { id } = await createApiKey(server.url, accessToken, {
      name: 'bench',
      scope: 'read',
      publicKey: publicKey.export({ format: 'jwk' }),
    })
    const authority = new URL(server.url).host
    const path = '/v1/verify/read'
    let nonce = 0
    const signedHeaders = () => {
      const params = `("@method" "@authority" "@path" "@query");created=${Math.floor(Date.now() / 1000)};keyid="${id}";nonce="${process.pid}-${nonce++}"`
      const base = `"@method": GET\n"@authority": ${authority}\n"@path": ${path}\n"@query": ?\n"@signature-params": ${params}`
      const signature = sign(null, Buffer.from(base), privateKey).toString('base64')
      return { 'signature-input': `sig=${params}`, signature: `sig=:${signature}:` }
    }
    return benchGet(server, {
      url: `${server.url}${path}`,
      requests: [
        { method: 'GET', path, setupRequest: (request) => ({ ...request, headers: signedHeaders() }) },
      ],
    })
  }

  /**
   * Paradex `POST /v1/auth` with one signed header set, as ccxt sends it: the protocol has no nonce,
   * so every request repeats the whole server-side work (account read, SNIP-12 hash, Stark verify
   * with both parities of the x-only key, JWT signing).
   */
  async function benchParadexAuth(server) {
    const privateKey = `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(31))).toString('hex')}`
    const publicKey = BigInt(getStarkKey(privateKey))
    const derived = deriveParadexAccountAddress({ publicKey, ...PARADEX_TESTNET_ACCOUNT_CLASS_HASHES })
    const account = `0x${derived.value.toString(16)}`
    const chainId = 'PRIVATE_SN_POTC_SEPOLIA'
    const header = (hash) => {
      const { r, s } = starkSign(hash.value.toString(16).padStart(64, '0'), privateKey)
      return JSON.stringify([r.toString(), s.toString()])
    }
    const onboarded = await fetch(`${server.url}/paradex/v1/onboarding`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'paradex-starknet-account': account,
        'paradex-starknet-signature': header(paradexOnboardingHash({ chainId, account })),
      },
      body: JSON.stringify({ public_key: `0x${publicKey.toString(16)}` }),
    })
    if (!onboarded.ok) throw new Error(`paradex onboarding: ${onboarded.status}`)
    const timestamp = Math.floor(Date.now() / 1000)
    const expiration = timestamp + 3600
    const hash = paradexRequestHash({ chainId, account, ...PARADEX_AUTH_REQUEST, timestamp, expiration })
    const run = await measure(server, {
      url: `${server.url}/paradex/v1/auth`,
      method: 'POST',
      headers: {
        'paradex-starknet-account': account,
        'paradex-starknet-signature': header(hash),
        'paradex-timestamp': String(timestamp),
        'paradex-signature-expiration': String(expiration),
      },
    })
    const ok = run.result['2xx']
    return { ...run, ok, refused: run.result.non2xx, perSecond: ok / duration }
  }
  return {
    benchSignIn,
    benchMe,
    benchHealthz,
    benchVerifyJwt,
    benchVerifyApiKey,
    benchVerifySignedRequest,
    benchParadexAuth,
  }
}
