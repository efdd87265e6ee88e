import { describe, expect, it } from 'vitest'
import { AuthError } from '../errors.js'
import type { Address, ContractWalletCheck } from '../ports.js'
import type { ChainReader } from './chain-reader.js'
import { ERC6492_MAGIC_SUFFIX } from './decide-signature-path.js'
import { recheckContractWallet } from './recheck-contract-wallet.js'

const check = (signature: `0x${string}`): ContractWalletCheck => ({
  chainId: 8453,
  address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address,
  hash: `0x${'ab'.repeat(32)}`,
  signature,
})

/** A reader that logs what it is asked and answers `answer` (or throws it). */
function reader(answer: boolean | Error, supported = [8453]) {
  const calls: string[] = []
  const respond = (name: string) => async () => {
    calls.push(name)
    if (answer instanceof Error) throw answer
    return answer
  }
  const chains: ChainReader = {
    supports: (chainId) => supported.includes(chainId),
    hasCode: respond('hasCode'),
    isValidSignature: respond('isValidSignature'),
    isValidCounterfactualSignature: respond('isValidCounterfactualSignature'),
  }
  return { chains, calls }
}

describe('recheckContractWallet', () => {
  it('behavior: a plain signature is one EIP-1271 call, a wrapped one the same 6492 call as at sign-in', async () => {
    for (const answer of [true, false]) {
      const plain = reader(answer)
      expect(await recheckContractWallet(check(`0x${'cd'.repeat(65)}`), plain.chains)).toBe(answer)
      expect(plain.calls).toEqual(['isValidSignature'])
      const wrapped = reader(answer)
      const signature = `0x${'00'.repeat(96)}${ERC6492_MAGIC_SUFFIX}` as const
      expect(await recheckContractWallet(check(signature), wrapped.chains)).toBe(answer)
      expect(wrapped.calls).toEqual(['isValidCounterfactualSignature'])
    }
  })

  it('negative: a chain that no longer has a node cannot vouch: refused, and nothing is asked', async () => {
    const none = reader(true, [])
    expect(await recheckContractWallet(check(`0x${'cd'.repeat(65)}`), none.chains)).toBe(false)
    expect(none.calls).toEqual([])
  })

  it('error: an outage passes through as CHAIN_UNAVAILABLE, never false', async () => {
    const down = reader(new AuthError('CHAIN_UNAVAILABLE'))
    await expect(recheckContractWallet(check(`0x${'cd'.repeat(65)}`), down.chains)).rejects.toMatchObject({
      code: 'CHAIN_UNAVAILABLE',
    })
  })
})
