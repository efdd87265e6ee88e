import { createServer } from 'node:net'
import type { Hex } from 'viem'
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts'
import { createSiweMessage } from 'viem/siwe'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  contracts,
  counterfactualAddress,
  deployFactoryData,
  deployMultisig,
  deployOwnerWallet,
  setOwner,
  sign6492,
  useContractWalletChain,
} from './support/contract-wallets.js'
import { SAME_ORIGIN, setCookieOf, withCookie } from './support/cookie-session.js'
import type { LocalChain } from './support/local-chain.js'
import { expectProblem } from './support/problem.js'
import { startTestServer, TEST_PUBLIC_URL, type TestServer } from './support/test-server.js'
import { getNonce, newWallet } from './support/wallet.js'

/*
 * Smart-contract wallets (EIP-1271, EIP-6492) against a real EVM: @ethereumjs/vm in this process,
 * served over JSON-RPC HTTP on loopback (support/local-chain.ts), with wallets compiled by solc-js
 * at setup (support/contract-wallets.ts). Sigil's chain reader talks to it exactly as to a node.
 *
 * Not run here: the EIP-1271 vectors of ../shared/vectors/siwe/eip1271.json. They name wallets
 * deployed on Ethereum mainnet and need mainnet state (no network and no chain forking here), so
 * this file covers the same paths with contracts of its own instead of skipping them silently.
 */

const CHAIN = 8453 // has a node (chainRpcUrls)
const NO_RPC_CHAIN = 1 // allowed in SIWE, but no node: EOAs only

let chain: LocalChain
let server: TestServer
let factory: Hex

const owner = privateKeyToAccount(generatePrivateKey())

function message(address: Hex, nonce: string, chainId = CHAIN): string {
  return createSiweMessage({
    address,
    domain: new URL(TEST_PUBLIC_URL).host,
    uri: TEST_PUBLIC_URL,
    version: '1',
    chainId,
    nonce,
    issuedAt: new Date(server.clock.now()),
    statement: 'Sign in to the test venue.',
  })
}

async function signInAs(
  address: Hex,
  sign: (text: string) => Promise<Hex>,
  options: { chainId?: number; target?: TestServer } = {},
) {
  const target = options.target ?? server
  const nonce = await getNonce(target.app)
  const text = message(address, nonce, options.chainId)
  const response = await target.app.inject({
    method: 'POST',
    url: '/v1/auth/siwe',
    payload: { message: text, signature: await sign(text) },
  })
  return { response, nonce }
}

const signedBy =
  (...signers: PrivateKeyAccount[]) =>
  async (text: string): Promise<Hex> => {
    const signatures = await Promise.all(signers.map((s) => s.signMessage({ message: text })))
    return `0x${signatures.map((s) => s.slice(2)).join('')}`
  }

/** A port on loopback with nothing listening: a node that is down. */
async function closedPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}

useContractWalletChain(CHAIN, [NO_RPC_CHAIN, CHAIN], (started) => ({ chain, server } = started))
beforeAll(async () => {
  factory = await chain.deploy(contracts().WalletFactory!)
})

describe('EIP-1271: deployed contract wallets', () => {
  it('behavior: an owner-based wallet signs in when its owner signed; the account is the contract address', async () => {
    const wallet = await deployOwnerWallet(chain, owner.address)
    const { response } = await signInAs(wallet, signedBy(owner))
    expect(response.statusCode).toBe(200)
    expect(response.json().account.address.toLowerCase()).toBe(wallet.toLowerCase())
    expect(chain.requests).toEqual(['eth_getCode', 'eth_call'])
  })

  it('behavior: a 2-of-3 multisig signs in with two owners, not with one owner twice or one stranger', async () => {
    const [a, b, c] = [newWallet(), newWallet(), newWallet()]
    const multisig = await deployMultisig(chain, [a.address, b.address, c.address])
    expect((await signInAs(multisig, signedBy(a, c))).response.statusCode).toBe(200)
    expectProblem((await signInAs(multisig, signedBy(a, a))).response, 401, 'INVALID_SIGNATURE')
    expectProblem((await signInAs(multisig, signedBy(b, newWallet()))).response, 401, 'INVALID_SIGNATURE')
  })

  it('negative: a signature by someone who is not the owner is 401 INVALID_SIGNATURE', async () => {
    const wallet = await deployOwnerWallet(chain, owner.address)
    expectProblem((await signInAs(wallet, signedBy(newWallet()))).response, 401, 'INVALID_SIGNATURE')
  })

  it('negative: isValidSignature that reverts, or answers the magic value in short data, is 401', async () => {
    const reverting = await chain.deploy(contracts().RevertingWallet!)
    expectProblem((await signInAs(reverting, signedBy(owner))).response, 401, 'INVALID_SIGNATURE')
    const short = await chain.deploy(contracts().ShortAnswerWallet!)
    expectProblem((await signInAs(short, signedBy(owner))).response, 401, 'INVALID_SIGNATURE')
  })

  it('negative: an address without code whose signature does not recover to it is 401, after one eth_getCode', async () => {
    const nobody = newWallet().address
    expectProblem((await signInAs(nobody, signedBy(owner))).response, 401, 'INVALID_SIGNATURE')
    expect(chain.requests).toEqual(['eth_getCode'])
  })

  it('negative: the same wallet, on a chain without a configured RPC, is refused and no node is asked', async () => {
    const wallet = await deployOwnerWallet(chain, owner.address)
    const { response } = await signInAs(wallet, signedBy(owner), { chainId: NO_RPC_CHAIN })
    expectProblem(response, 401, 'INVALID_SIGNATURE')
    expect(chain.requests).toEqual([])
  })

  it('negative: on a chain without RPC, a signature that is not 65 bytes keeps its shape error (400)', async () => {
    const multisig = await deployMultisig(chain, [owner.address, newWallet().address, newWallet().address])
    const { response } = await signInAs(multisig, signedBy(owner, owner), { chainId: NO_RPC_CHAIN })
    expectProblem(response, 400, 'SIGNATURE_MALFORMED')
    expect(chain.requests).toEqual([])
  })
})

describe('EIP-6492: counterfactual (undeployed) accounts', () => {
  it('behavior: a wrapped signature for an undeployed account is valid, and nothing is deployed', async () => {
    const salt = `0x${'01'.padStart(64, '0')}` as Hex
    const account = await counterfactualAddress(chain, factory, owner.address, salt)
    const { response } = await signInAs(account, (text) =>
      sign6492(owner, text, factory, deployFactoryData(owner.address, salt)),
    )
    expect(response.statusCode).toBe(200)
    expect(response.json().account.address.toLowerCase()).toBe(account.toLowerCase())
    // One deployless eth_call, no getCode, and the account is still not deployed.
    expect(chain.requests).toEqual(['eth_call'])
    expect(await chain.read(account, '0x')).toBe('0x')
  })

  it('negative: a factory call that deploys another address is 401', async () => {
    const account = await counterfactualAddress(chain, factory, owner.address, `0x${'02'.padStart(64, '0')}`)
    const other = `0x${'03'.padStart(64, '0')}` as Hex
    const { response } = await signInAs(account, (text) =>
      sign6492(owner, text, factory, deployFactoryData(owner.address, other)),
    )
    expectProblem(response, 401, 'INVALID_SIGNATURE')
  })

  it('negative: a wrapped signature by a stranger is 401', async () => {
    const salt = `0x${'04'.padStart(64, '0')}` as Hex
    const account = await counterfactualAddress(chain, factory, owner.address, salt)
    const { response } = await signInAs(account, (text) =>
      sign6492(newWallet(), text, factory, deployFactoryData(owner.address, salt)),
    )
    expectProblem(response, 401, 'INVALID_SIGNATURE')
  })
})

describe('ordinary wallets and outages', () => {
  it('behavior: an ordinary (EOA) sign-in on a chain with a node makes no RPC call at all', async () => {
    const eoa = newWallet()
    const { response } = await signInAs(eoa.address, signedBy(eoa))
    expect(response.statusCode).toBe(200)
    expect(chain.requests).toEqual([])
  })

  it('error: a slow node is 503 CHAIN_UNAVAILABLE, never 401 nor 200; the nonce is spent', async () => {
    const wallet = await deployOwnerWallet(chain, owner.address)
    chain.setDelayMs(1500) // past chainRpcTimeoutSeconds (1)
    const nonce = await getNonce(server.app)
    const text = message(wallet, nonce)
    const payload = { message: text, signature: await owner.signMessage({ message: text }) }
    const first = await server.app.inject({ method: 'POST', url: '/v1/auth/siwe', payload })
    expectProblem(first, 503, 'CHAIN_UNAVAILABLE')
    chain.setDelayMs(0)
    // The nonce was consumed before the signature check: the client fetches a new one and signs again.
    expectProblem(
      await server.app.inject({ method: 'POST', url: '/v1/auth/siwe', payload }),
      401,
      'NONCE_USED',
    )
    expect((await signInAs(wallet, signedBy(owner))).response.statusCode).toBe(200)
  })

  it('error: a node that is down is 503 CHAIN_UNAVAILABLE; its URL is in no response', async () => {
    const url = `http://user:secret@127.0.0.1:${await closedPort()}/v3/apikey`
    const down = await startTestServer({
      siweChainIds: [CHAIN],
      chainRpcUrls: { [CHAIN]: url },
      chainRpcTimeoutSeconds: 1,
    })
    try {
      const wallet = newWallet().address
      const { response } = await signInAs(wallet, signedBy(owner), { target: down })
      expectProblem(response, 503, 'CHAIN_UNAVAILABLE')
      expect(response.body).not.toContain('secret')
      expect(response.body).not.toContain('apikey')
      // Ordinary wallets do not need the node: they still sign in.
      const eoa = newWallet()
      expect((await signInAs(eoa.address, signedBy(eoa), { target: down })).response.statusCode).toBe(200)
    } finally {
      await down.close()
    }
  })

  it('behavior: RPC-backed attempts have their own per-IP budget (429 past it); ordinary wallets do not count', async () => {
    const limited = await startTestServer({
      siweChainIds: [CHAIN],
      chainRpcUrls: { [CHAIN]: chain.url },
      rateLimitChainRpcPerMinute: 2,
    })
    try {
      const eoa = newWallet()
      for (let i = 0; i < 3; i++)
        expect((await signInAs(eoa.address, signedBy(eoa), { target: limited })).response.statusCode).toBe(
          200,
        )
      const stranger = newWallet()
      const nobody = newWallet().address
      for (let i = 0; i < 2; i++) {
        const { response } = await signInAs(nobody, signedBy(stranger), { target: limited })
        expectProblem(response, 401, 'INVALID_SIGNATURE')
      }
      chain.requests.length = 0
      const { response } = await signInAs(nobody, signedBy(stranger), { target: limited })
      expectProblem(response, 429, 'RATE_LIMITED')
      expect(chain.requests).toEqual([])
    } finally {
      await limited.close()
    }
  })
})

describe('re-checks at refresh (recheckContractWalletsOnRefresh)', () => {
  const refresh = (refreshToken: string, target = server) =>
    target.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } })
  const me = (accessToken: string, target = server) =>
    target.app.inject({
      method: 'GET',
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${accessToken}` },
    })

  it('behavior: the wallet still accepts its signature: refresh works, after one eth_call and no eth_getCode', async () => {
    const wallet = await deployOwnerWallet(chain, owner.address)
    const signedIn = (await signInAs(wallet, signedBy(owner))).response.json()
    chain.requests.length = 0
    const refreshed = await refresh(signedIn.refreshToken)
    expect(refreshed.statusCode).toBe(200)
    expect(chain.requests).toEqual(['eth_call'])
  })

  it('negative: owner changed after sign-in: refresh is 401 SESSION_REVOKED, the session is revoked and audited', async () => {
    const current = newWallet()
    const wallet = await deployOwnerWallet(chain, current.address)
    const signedIn = (await signInAs(wallet, signedBy(current))).response.json()
    expect((await me(signedIn.accessToken)).statusCode).toBe(200)
    await setOwner(chain, wallet, current.address, newWallet().address)

    expectProblem(await refresh(signedIn.refreshToken), 401, 'SESSION_REVOKED')
    // The access token of that session is refused at once, and the refresh token stays dead.
    expectProblem(await me(signedIn.accessToken), 401, 'SESSION_REVOKED')
    chain.requests.length = 0
    expectProblem(await refresh(signedIn.refreshToken), 401, 'SESSION_REVOKED')
    expect(chain.requests).toEqual([])
    const events = await server.gateway.operator.auditEvents({ limit: 20 })
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'session.revoked',
        detail: expect.objectContaining({ reason: 'contract_wallet_refused' }),
      }),
    )
  })

  it('behavior: with rechecking off, the same refresh works and asks no node', async () => {
    const off = await startTestServer({
      siweChainIds: [CHAIN],
      chainRpcUrls: { [CHAIN]: chain.url },
      recheckContractWalletsOnRefresh: false,
    })
    try {
      const current = newWallet()
      const wallet = await deployOwnerWallet(chain, current.address)
      const signedIn = (await signInAs(wallet, signedBy(current), { target: off })).response.json()
      await setOwner(chain, wallet, current.address, newWallet().address)
      chain.requests.length = 0
      const refreshed = await refresh(signedIn.refreshToken, off)
      expect(refreshed.statusCode).toBe(200)
      expect((await me(refreshed.json().accessToken, off)).statusCode).toBe(200)
      expect(chain.requests).toEqual([])
    } finally {
      await off.close()
    }
  })

  it('error: node down at refresh is 503 CHAIN_UNAVAILABLE, nothing revoked; the same token works once it is back', async () => {
    const wallet = await deployOwnerWallet(chain, owner.address)
    const signedIn = (await signInAs(wallet, signedBy(owner))).response.json()
    chain.setDelayMs(1500) // past chainRpcTimeoutSeconds (1)
    expectProblem(await refresh(signedIn.refreshToken), 503, 'CHAIN_UNAVAILABLE')
    expect((await me(signedIn.accessToken)).statusCode).toBe(200)
    chain.setDelayMs(0)
    const refreshed = await refresh(signedIn.refreshToken)
    expect(refreshed.statusCode).toBe(200)
    // Spent now: presenting it again (past the reuse interval) is reuse, as for any refresh token.
    server.clock.advance(10_001)
    expectProblem(await refresh(signedIn.refreshToken), 401, 'REFRESH_TOKEN_REUSED')
  })

  it('behavior: a counterfactual (6492) session is re-checked with the same deployless call', async () => {
    const salt = `0x${'05'.padStart(64, '0')}` as Hex
    const account = await counterfactualAddress(chain, factory, owner.address, salt)
    const signedIn = (
      await signInAs(account, (text) =>
        sign6492(owner, text, factory, deployFactoryData(owner.address, salt)),
      )
    ).response.json()
    chain.requests.length = 0
    const refreshed = await refresh(signedIn.refreshToken)
    expect(refreshed.statusCode).toBe(200)
    expect(chain.requests).toEqual(['eth_call'])
  })

  it('behavior: a 6492 account deployed after sign-in is checked on its deployed state: owner changed, refused', async () => {
    const salt = `0x${'06'.padStart(64, '0')}` as Hex
    const current = newWallet()
    const account = await counterfactualAddress(chain, factory, current.address, salt)
    const signedIn = (
      await signInAs(account, (text) =>
        sign6492(current, text, factory, deployFactoryData(current.address, salt)),
      )
    ).response.json()
    await chain.send(current.address, factory, deployFactoryData(current.address, salt))
    // (Had it stayed undeployed, the factory would build it with the original owner: 200 below.)
    const refreshed = await refresh(signedIn.refreshToken)
    expect(refreshed.statusCode).toBe(200)
    await setOwner(chain, account, current.address, newWallet().address)
    expectProblem(await refresh(refreshed.json().refreshToken), 401, 'SESSION_REVOKED')
  })

  it('behavior: an ordinary (EOA) refresh makes no RPC call', async () => {
    const eoa = newWallet()
    const signedIn = (await signInAs(eoa.address, signedBy(eoa))).response.json()
    chain.requests.length = 0
    expect((await refresh(signedIn.refreshToken)).statusCode).toBe(200)
    expect(chain.requests).toEqual([])
  })

  it('behavior: a sliding cookie is re-checked when it is about to be renewed, not on every request', async () => {
    const sliding = await startTestServer({
      siweChainIds: [CHAIN],
      chainRpcUrls: { [CHAIN]: chain.url },
      chainRpcTimeoutSeconds: 1,
      sessionCookieSliding: true,
    })
    try {
      const current = newWallet()
      const wallet = await deployOwnerWallet(chain, current.address)
      const nonce = await getNonce(sliding.app)
      const text = message(wallet, nonce)
      const signedIn = await sliding.app.inject({
        method: 'POST',
        url: '/v1/auth/siwe',
        headers: SAME_ORIGIN,
        payload: {
          message: text,
          signature: await current.signMessage({ message: text }),
          credential: 'session',
        },
      })
      expect(signedIn.statusCode).toBe(200)
      const cookie = setCookieOf(signedIn)!.value
      const me = () => withCookie(sliding.app, cookie, { method: 'GET', url: '/v1/auth/me' })
      await setOwner(chain, wallet, current.address, newWallet().address)
      chain.requests.length = 0
      // Within the hour: served as is, no node asked.
      sliding.clock.advance(10 * 60_000)
      expect((await me()).statusCode).toBe(200)
      expect(chain.requests).toEqual([])
      // Node down at renewal time: served without renewal, nothing revoked.
      sliding.clock.advance(2 * 3_600_000)
      chain.setDelayMs(1500)
      const unrenewed = await me()
      expect(unrenewed.statusCode).toBe(200)
      expect(setCookieOf(unrenewed)).toBeUndefined()
      chain.setDelayMs(0)
      // Node back: the wallet refuses, the session ends.
      expectProblem(await me(), 401, 'SESSION_REVOKED')
      expectProblem(await me(), 401, 'SESSION_REVOKED')
    } finally {
      await sliding.close()
    }
  })
})
