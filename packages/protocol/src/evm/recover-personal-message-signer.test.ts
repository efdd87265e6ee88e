import { utf8ToBytes } from '@noble/hashes/utils.js'
import { Wallet } from 'ethers'
import { recoverMessageAddress, toHex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import type { EvmCrypto } from './evm-crypto.js'
import { nobleEvmCrypto } from './noble-evm-crypto.js'
import { recoverPersonalMessageSigner } from './recover-personal-message-signer.js'
import { SECP256K1_N } from './secp256k1-order.js'

// The full attack and interoperability table runs against both backends in
// packages/server/src/crypto/evm-crypto-backends.test.ts; this file covers the default (noble) path.

const recoveredHex = (message: string | Uint8Array, signature: string): string | undefined => {
  const result = recoverPersonalMessageSigner(message, signature)
  return result.ok ? toHex(result.value) : result.reason
}

/** (r, n − s, flipped recovery bit): the malleable twin of a low-s signature (27 ↔ 28, 0 ↔ 1). */
const highSTwin = (signature: string): string => {
  const s = BigInt(`0x${signature.slice(66, 130)}`)
  const v = Number.parseInt(signature.slice(130), 16)
  const twinV = v >= 27 ? 55 - v : v ^ 1
  return `${signature.slice(0, 66)}${(SECP256K1_N - s).toString(16).padStart(64, '0')}${twinV.toString(16).padStart(2, '0')}`
}

describe('recoverPersonalMessageSigner', () => {
  const account = privateKeyToAccount(generatePrivateKey())
  const message = 'app.example wants you to sign in with your Ethereum account'

  it('default: a viem personal_sign signature recovers to the signer', async () => {
    const signature = await account.signMessage({ message })
    expect(recoveredHex(message, signature)).toBe(account.address.toLowerCase())
  })

  it('behavior: an ethers v6 signature recovers to the signer', async () => {
    const wallet = Wallet.createRandom()
    const signature = await wallet.signMessage(message)
    expect(recoveredHex(message, signature)).toBe(wallet.address.toLowerCase())
  })

  it('behavior: a string is UTF-8 encoded once, so it equals its bytes (non-ASCII included)', async () => {
    const text = 'Éxchange ‮ 🚀 日本語\nline two'
    const signature = await account.signMessage({ message: text })
    expect(recoveredHex(text, signature)).toBe(account.address.toLowerCase())
    expect(recoveredHex(utf8ToBytes(text), signature)).toBe(account.address.toLowerCase())
  })

  it('behavior: the spruceid vector "recovery byte starting at 0" (v = 0x01) verifies', () => {
    const text = [
      'www.tally.xyz wants you to sign in with your Ethereum account:',
      '0xc95EB884FE852e241D409234bfC7045CB9E31BD7',
      '',
      'Sign in with Ethereum to Tally',
      '',
      'URI: https://tally.xyz',
      'Version: 1',
      'Chain ID: 1',
      'Nonce: 15050747',
      'Issued At: 2022-06-30T14:08:51.382Z',
    ].join('\n')
    const signature =
      '0x8c46b6eb8505939892d8e9b075f89f8277321b17b993151f37810cdda38cce6f4a85909d2b53e6a14629c74c0ac38bf4becde78ee5b2529812bf6cceaf7b2a2501'
    expect(recoveredHex(text, signature)).toBe('0xc95eb884fe852e241d409234bfc7045cb9e31bd7')
  })

  it('behavior: the exact bytes are verified, never a normalised form (`Chain ID: 01`)', async () => {
    const text = 'Version: 1\nChain ID: 01'
    const signature = await account.signMessage({ message: text })
    expect(recoveredHex(text, signature)).toBe(account.address.toLowerCase())
    expect(recoveredHex('Version: 1\nChain ID: 1', signature)).not.toBe(account.address.toLowerCase())
  })

  it('error: the high-s twin that viem still accepts → signature_not_canonical', async () => {
    const signature = await account.signMessage({ message })
    const twin = highSTwin(signature)
    // The differential this closes (siwe.md §6 item 8): viem recovers the same signer from the twin.
    expect(await recoverMessageAddress({ message, signature: twin as `0x${string}` })).toBe(account.address)
    expect(recoverPersonalMessageSigner(message, twin)).toEqual({
      ok: false,
      reason: 'signature_not_canonical',
    })
  })

  it('error: a one-byte change to the message recovers some other address', async () => {
    const signature = await account.signMessage({ message })
    const changed = `${message.slice(0, -1)}X`
    const result = recoverPersonalMessageSigner(changed, signature)
    expect(result.ok).toBe(true)
    expect(result.ok && toHex(result.value)).not.toBe(account.address.toLowerCase())
  })

  it('error: r with no curve point (x = 5) → signature_invalid', () => {
    const signature = `0x${'0'.repeat(63)}5${'0'.repeat(63)}11b`
    expect(recoverPersonalMessageSigner(message, signature)).toEqual({
      ok: false,
      reason: 'signature_invalid',
    })
  })

  it('error: a malformed signature is refused before any hashing or curve math', () => {
    let calls = 0
    const spy: EvmCrypto = {
      name: 'spy',
      keccak256: (data) => {
        calls++
        return nobleEvmCrypto.keccak256(data)
      },
      recoverPublicKey: (...args) => {
        calls++
        return nobleEvmCrypto.recoverPublicKey(...args)
      },
    }
    for (const signature of ['', '0x', `0x${'ab'.repeat(66)}`, `0x${'zz'.repeat(65)}`]) {
      expect(recoverPersonalMessageSigner(message, signature, spy)).toEqual({
        ok: false,
        reason: 'signature_malformed',
      })
    }
    expect(calls).toBe(0)
  })

  it('error: a backend that returns no key, or a key that is not 0x04 ‖ x ‖ y → signature_invalid', async () => {
    const signature = await account.signMessage({ message })
    for (const key of [null, new Uint8Array(33).fill(2), new Uint8Array(65)]) {
      const broken: EvmCrypto = { ...nobleEvmCrypto, name: 'broken', recoverPublicKey: () => key }
      expect(recoverPersonalMessageSigner(message, signature, broken)).toEqual({
        ok: false,
        reason: 'signature_invalid',
      })
    }
  })
})
