import { describe, expect, it } from 'vitest'
import {
  decideSignaturePath,
  ERC6492_MAGIC_SUFFIX,
  isContractSignatureShape,
  isErc6492Signature,
  MAX_CONTRACT_SIGNATURE_BYTES,
} from './decide-signature-path.js'

const eoa = `0x${'ab'.repeat(65)}`
const multisig = `0x${'cd'.repeat(130)}`
const wrapped = `0x${'00'.repeat(96)}${ERC6492_MAGIC_SUFFIX}`

describe('decideSignaturePath', () => {
  it('behavior: a signature that recovers to the address is accepted, chain or no chain', () => {
    for (const chainSupported of [true, false])
      expect(decideSignaturePath({ local: 'signer', chainSupported, signature: eoa })).toEqual({
        path: 'accept',
      })
  })

  it('behavior: without a node for the message chain, the local verdict stands', () => {
    for (const local of ['other-signer', 'not-recoverable'] as const)
      for (const signature of [eoa, multisig, wrapped])
        expect(decideSignaturePath({ local, chainSupported: false, signature })).toEqual({
          path: 'refuse-local',
        })
  })

  it('behavior: with a node, the 6492 suffix selects the counterfactual check, anything else EIP-1271', () => {
    expect(
      decideSignaturePath({ local: 'not-recoverable', chainSupported: true, signature: wrapped }),
    ).toEqual({
      path: 'erc6492',
    })
    expect(decideSignaturePath({ local: 'other-signer', chainSupported: true, signature: eoa })).toEqual({
      path: 'erc1271',
    })
    expect(
      decideSignaturePath({ local: 'not-recoverable', chainSupported: true, signature: multisig }),
    ).toEqual({
      path: 'erc1271',
    })
  })

  it('negative: a malformed or oversized signature never reaches a chain', () => {
    for (const signature of [
      '0x',
      '0xabc',
      'abcd',
      `0x${'zz'.repeat(65)}`,
      `0x${'00'.repeat(MAX_CONTRACT_SIGNATURE_BYTES + 1)}`,
    ])
      expect(decideSignaturePath({ local: 'not-recoverable', chainSupported: true, signature })).toEqual({
        path: 'refuse-local',
      })
  })

  it('edge: the suffix is matched case-insensitively and only at the end', () => {
    expect(isErc6492Signature(`0x${ERC6492_MAGIC_SUFFIX.toUpperCase()}`)).toBe(true)
    expect(isErc6492Signature(`0x${ERC6492_MAGIC_SUFFIX}00`)).toBe(false)
    expect(isContractSignatureShape(`0x${'00'.repeat(MAX_CONTRACT_SIGNATURE_BYTES)}`)).toBe(true)
  })
})
