import { Client, Config, type EthereumSigner, type ParadexConfig, Signer } from '@paradex/sdk'
import { deriveFromEthSigner } from '@paradex/sdk/dist/account.js'
import { buildConfig, type RawParadexConfig } from '@paradex/sdk/dist/config.js'
import { Wallet } from 'ethers'
import { generatePrivateKey } from 'viem/accounts'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { settingsOf } from '../src/http/dialects/define-dialect.js'
import { paradexDialect } from '../src/http/dialects/paradex/index.js'
import {
  ccxtParadex,
  isLoopback,
  type LiveSigil,
  listenSigil,
  nativeMe,
  onboardingStatus,
} from './support/ccxt-paradex.js'
import { decodeJwt } from './support/paradex-client.js'
import { paradexTypedData, type StarkSignature, signatureHeader } from './support/paradex-signer.js'
import { A2 } from './support/paradex-vectors.js'
import { walletFromKey } from './support/wallet.js'

const HARDHAT_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const PARADEX_TESTNET_API = 'https://api.testnet.paradex.trade/v1'

/** A viem local account as the SDK's `EthereumSigner` (the SDK ships an adapter for ethers only). */
const viemSigner = (privateKey: `0x${string}`): EthereumSigner => {
  const account = walletFromKey(privateKey)
  return {
    signTypedData: ({ domain, types, primaryType, message }) =>
      account.signTypedData({
        domain: { ...domain, chainId: BigInt(domain.chainId) },
        types: types as Record<string, { name: string; type: string }[]>,
        primaryType,
        message,
      }),
  }
}

/**
 * The SDK's client for an EVM signer, and signatures by the Starknet account the SDK builds
 * (its own starknet.js 8, its own derived key: the key never leaves the SDK's account object).
 */
async function sdkUser(config: ParadexConfig, signer: EthereumSigner) {
  const client = await Client.fromEthSigner({ config, signer })
  const account = client.getProvider().getAccount()!
  const address = client.getAddress()
  // The account's signer, as Account.signMessage uses it; `forAccount` lets an attacker's key sign
  // the hash bound to someone else's address.
  const sign = async (typedData: Record<string, unknown>, forAccount = address) =>
    signatureHeader((await account.signer.signMessage(typedData as never, forAccount)) as StarkSignature)
  return {
    address,
    publicKey: await account.signer.getPubKey(),
    onboardingSignature: () => sign(paradexTypedData.onboarding(config.paradexChainId)),
    authSignature: (timestamp: number, expiration: number, forAccount = address) =>
      sign(paradexTypedData.auth(config.paradexChainId, timestamp, expiration), forAccount),
  }
}

describe('Paradex: @paradex/sdk 0.8.1 derives the account Sigil accepts', () => {
  let sigil: LiveSigil
  let config: ParadexConfig
  const realFetch = globalThis.fetch
  /** Requests that would have left the machine (refused before being sent). */
  const outbound: string[] = []
  /** Requests the SDK addressed to Paradex's testnet API, rewritten to Sigil. */
  const rewritten: string[] = []

  beforeAll(async () => {
    sigil = await listenSigil()
    // The SDK's Config.fetch has a hard-coded origin: send it to Sigil, and nothing anywhere else.
    globalThis.fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input)
      if (url.startsWith(`${PARADEX_TESTNET_API}/`)) {
        rewritten.push(url)
        return realFetch(`${sigil.paradex}/v1/${url.slice(PARADEX_TESTNET_API.length + 1)}`, init)
      }
      if (!isLoopback(url)) {
        outbound.push(url)
        throw new TypeError(`refused: ${url} is not on this machine`)
      }
      return realFetch(input, init)
    }
    config = await Config.fetch('testnet')
  })
  afterEach(() => {
    expect(outbound).toEqual([])
  })
  afterAll(async () => {
    globalThis.fetch = realFetch
    await sigil.close()
  })

  const signIn = async (user: Awaited<ReturnType<typeof sdkUser>>, ethAddress: string) => {
    const onboarded = await fetch(`${sigil.paradex}/v1/onboarding`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'paradex-ethereum-account': ethAddress,
        'paradex-starknet-account': user.address,
        'paradex-starknet-signature': await user.onboardingSignature(),
      },
      body: JSON.stringify({ public_key: user.publicKey }),
    })
    expect(onboarded.status).toBe(200)
    const now = Math.floor(Date.now() / 1000)
    const auth = await fetch(`${sigil.paradex}/v1/auth`, {
      method: 'POST',
      headers: {
        'paradex-starknet-account': user.address,
        'paradex-starknet-signature': await user.authSignature(now, now + 180),
        'paradex-timestamp': `${now}`,
        'paradex-signature-expiration': `${now + 180}`,
      },
    })
    expect(auth.status).toBe(200)
    return ((await auth.json()) as { jwt_token: string }).jwt_token
  }

  it('behavior: Config.fetch("testnet"), re-pointed at Sigil, is buildConfig of Sigil’s /v1/system/config', async () => {
    expect(rewritten).toEqual([`${PARADEX_TESTNET_API}/system/config`])
    const raw = (await (await realFetch(`${sigil.paradex}/v1/system/config`)).json()) as RawParadexConfig
    expect(config).toEqual(buildConfig(raw))
    expect(config).toMatchObject({
      paradexChainId: settingsOf(sigil.server.config, paradexDialect).starknetChainId,
      ethereumChainId: settingsOf(sigil.server.config, paradexDialect).l1ChainId,
      paraclearAccountHash: settingsOf(sigil.server.config, paradexDialect).accountClassHash,
      paraclearAccountProxyHash: settingsOf(sigil.server.config, paradexDialect).proxyClassHash,
      bridgedTokens: {},
    })
  })

  it('behavior: vector A2: the SDK derives 0x37ff…c4a from hardhat #0 (ethers signer), and Sigil derives the same', async () => {
    const user = await sdkUser(config, Signer.fromEthers(new Wallet(HARDHAT_0)))
    expect(user.address).toBe(A2.account)
    expect(user.publicKey).toBe(A2.publicKey)
    expect((await onboardingStatus(sigil, user.publicKey)).body).toMatchObject({
      address: A2.account,
      exists: false,
    })
  })

  it('behavior: a fresh key (viem signer): onboarded and signed in with the SDK account’s signatures, sub = the SDK’s address', async () => {
    const privateKey = generatePrivateKey()
    const ethAddress = walletFromKey(privateKey).address
    const user = await sdkUser(config, viemSigner(privateKey))
    expect(user.address).toMatch(/^0x[1-9a-f][0-9a-f]*$/)

    const before = await onboardingStatus(sigil, user.publicKey)
    expect(before.body).toMatchObject({ address: user.address, exists: false })

    const jwt = await signIn(user, ethAddress)
    expect(decodeJwt(jwt).sub).toBe(user.address)
    const me = await nativeMe(sigil, jwt)
    expect(me.status).toBe(200)
    expect(me.body.account).toEqual({ id: user.address, address: user.address, status: 'active' })
    expect((await onboardingStatus(sigil, user.publicKey)).body.exists).toBe(true)
  })

  it('behavior: the SDK’s derived key, handed to ccxt (options.paradexAccount), onboards and signs in as the SDK’s address', async () => {
    const wallet = Wallet.createRandom()
    const signer = Signer.fromEthers(wallet)
    const { address, privateKey } = await deriveFromEthSigner({ config, signer })
    const user = await sdkUser(config, signer)
    expect(user.address).toBe(address)

    const { exchange, requests } = ccxtParadex(
      sigil,
      { walletAddress: wallet.address, privateKey: wallet.privateKey },
      { paradexAccount: { privateKey, publicKey: user.publicKey, address } },
    )
    await exchange.onboarding()
    const jwt = (await exchange.authenticateRest())!
    expect(decodeJwt(jwt).sub).toBe(address)
    expect((await nativeMe(sigil, jwt)).body.account.id).toBe(address)
    expect(requests).toEqual([
      'GET /paradex/v1/system/config',
      'POST /paradex/v1/onboarding',
      'POST /paradex/v1/auth',
    ])
    // ccxt, deriving on its own from the same wallet, lands on the same account.
    const { exchange: own } = ccxtParadex(sigil, {
      walletAddress: wallet.address,
      privateKey: wallet.privateKey,
    })
    expect(decodeJwt((await own.authenticateRest())!).sub).toBe(address)
  })

  it('attack: the SDK account of one wallet cannot sign in as another SDK-derived account', async () => {
    const victimKey = generatePrivateKey()
    const victim = await sdkUser(config, viemSigner(victimKey))
    await signIn(victim, walletFromKey(victimKey).address)
    const attacker = await sdkUser(config, viemSigner(generatePrivateKey()))
    const now = Math.floor(Date.now() / 1000)
    const response = await fetch(`${sigil.paradex}/v1/auth`, {
      method: 'POST',
      headers: {
        'paradex-starknet-account': victim.address,
        'paradex-starknet-signature': await attacker.authSignature(now, now + 180, victim.address),
        'paradex-timestamp': `${now}`,
        'paradex-signature-expiration': `${now + 180}`,
      },
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      error: 'STARKNET_SIGNATURE_VERIFICATION_FAILED',
      message: expect.any(String),
      data: null,
    })
  })
})
