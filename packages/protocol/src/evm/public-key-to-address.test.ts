import { hexToBytes } from '@noble/hashes/utils.js'
import { toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { publicKeyToAddress } from './public-key-to-address.js'

describe('publicKeyToAddress', () => {
  it('default: private key 1 has the well-known address 0x7E5F…5Bdf', () => {
    const account = privateKeyToAccount(`0x${'00'.repeat(31)}01`)
    const address = publicKeyToAddress(hexToBytes(account.publicKey.slice(2)))
    expect(address && toHex(address)).toBe('0x7e5f4552091a69125d5dfcb7b8c2659029395bdf')
  })

  it('error: compressed, prefix-less or wrongly prefixed keys → null', () => {
    expect(publicKeyToAddress(new Uint8Array(33).fill(2))).toBeNull()
    expect(publicKeyToAddress(new Uint8Array(64).fill(4))).toBeNull()
    expect(publicKeyToAddress(new Uint8Array(65).fill(6))).toBeNull()
  })
})
