import type { Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import {
  agentKeyPair,
  authorization,
  postAuthorization,
  postRevocation,
  revocation,
  signWithViem,
} from './support/agent-keys.js'
import { deployOwnerWallet, useContractWalletChain } from './support/contract-wallets.js'
import type { LocalChain } from './support/local-chain.js'
import { expectProblem } from './support/problem.js'
import type { TestServer } from './support/test-server.js'
import { getNonce, newWallet } from './support/wallet.js'

/*
 * Agent keys authorized by a contract wallet (EIP-1271), on a real EVM in this process (the
 * sign-in's support/local-chain.ts): the wallet's owner signs the EIP-712 typed data naming the
 * contract as `wallet`, and the contract's isValidSignature is asked about the EIP-712 digest,
 * exactly as sign-in asks about the EIP-191 one.
 */
const CHAIN = 8453

let chain: LocalChain
let server: TestServer
const owner = privateKeyToAccount(generatePrivateKey())

useContractWalletChain(CHAIN, [1, CHAIN], (started) => ({ chain, server } = started))

describe('agent keys: contract wallets (EIP-1271)', () => {
  it('behavior: an owner-based wallet authorizes and revokes an agent key; the account is the contract', async () => {
    const wallet = await deployOwnerWallet(chain, owner.address)
    const agent = await agentKeyPair()
    const typed = authorization(server, { address: wallet }, agent, await getNonce(server.app), {
      domain: { chainId: CHAIN },
    })
    const response = await postAuthorization(server, typed, agent.publicJwk, await signWithViem(owner, typed))
    expect(response.statusCode).toBe(201)
    expect(response.json().account.address.toLowerCase()).toBe(wallet.toLowerCase())
    expect(chain.requests).toEqual(['eth_getCode', 'eth_call'])
    const events = await server.stores.audit.query({ accountId: response.json().account.id, limit: 10 })
    expect(events.find((e) => e.type === 'agent_key.authorized')?.detail).toMatchObject({
      contractWallet: true,
    })

    const revoke = revocation(server, { address: wallet }, response.json().id, await getNonce(server.app), {
      domain: { chainId: CHAIN },
    })
    expect((await postRevocation(server, revoke, await signWithViem(owner, revoke))).statusCode).toBe(204)
  })

  it('negative: a signature by someone who is not the owner is 401 INVALID_SIGNATURE', async () => {
    const wallet: Hex = await deployOwnerWallet(chain, owner.address)
    const agent = await agentKeyPair()
    const typed = authorization(server, { address: wallet }, agent, await getNonce(server.app), {
      domain: { chainId: CHAIN },
    })
    expectProblem(
      await postAuthorization(server, typed, agent.publicJwk, await signWithViem(newWallet(), typed)),
      401,
      'INVALID_SIGNATURE',
    )
  })

  it('negative: on a chain without a node the contract is never asked: 401 INVALID_SIGNATURE, no RPC', async () => {
    const wallet = await deployOwnerWallet(chain, owner.address)
    chain.requests.length = 0
    const agent = await agentKeyPair()
    const typed = authorization(server, { address: wallet }, agent, await getNonce(server.app), {
      domain: { chainId: 1 },
    })
    expectProblem(
      await postAuthorization(server, typed, agent.publicJwk, await signWithViem(owner, typed)),
      401,
      'INVALID_SIGNATURE',
    )
    expect(chain.requests).toEqual([])
  })
})
