import { generateKeyPairSync } from 'node:crypto'
import { TypedDataEncoder, Wallet } from 'ethers'
import fc from 'fast-check'
import { calculateJwkThumbprint } from 'jose'
import { hashTypedData, toHex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { bytesEqual } from '../evm/bytes-equal.js'
import { addressToBytes } from '../evm/eip55.js'
import { recoverDigestSigner } from '../evm/recover-digest-signer.js'
import { SECP256K1_N } from '../evm/secp256k1-order.js'
import {
  AGENT_DOMAIN_TYPE,
  type AgentAuthorization,
  type AgentDomain,
  type AgentRevocation,
  agentAuthorizationTypedData,
  agentRevocationTypedData,
  hashAgentAuthorization,
  hashAgentRevocation,
} from './agent-typed-data.js'
import { jwkThumbprint } from './jwk-thumbprint.js'

const domain: AgentDomain = { name: 'Sigil', version: '1', chainId: 1 }
const wallet = privateKeyToAccount(generatePrivateKey())

const authorization: AgentAuthorization = {
  origin: 'https://sigil.example',
  wallet: wallet.address,
  agentKey: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
  keyName: 'market maker',
  scope: 'trade',
  nonce: '0123456789abcdef0123456789abcdef',
  issuedAt: '2026-12-05T22:00:00Z',
  expiresAt: '2026-12-12T22:00:00Z',
}

const revocation: AgentRevocation = {
  origin: 'https://sigil.example',
  wallet: wallet.address,
  keyId: 'sk_live_abc123',
  nonce: 'fedcba9876543210fedcba9876543210',
  issuedAt: '2026-12-05T22:00:00Z',
}

// Any text a JSON body can carry, incl. non-ASCII and astral code points.
const text = fc.string({ unit: 'grapheme', maxLength: 40 })
const hexAddress = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => toHex(b) as `0x${string}`)
const arbitraryDomain = fc.record({
  name: text,
  version: text,
  chainId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
})
const arbitraryAuthorization = fc.record({
  origin: text,
  wallet: hexAddress,
  agentKey: text,
  keyName: text,
  scope: fc.constantFrom('read' as const, 'trade' as const),
  nonce: text,
  issuedAt: text,
  expiresAt: text,
})
const arbitraryRevocation = fc.record({
  origin: text,
  wallet: hexAddress,
  keyId: text,
  nonce: text,
  issuedAt: text,
})

const hex = (bytes: Uint8Array) => toHex(bytes)

describe('agent typed data: EIP-712 digest', () => {
  it('equals viem hashTypedData and ethers TypedDataEncoder for any authorization', () => {
    fc.assert(
      fc.property(arbitraryDomain, arbitraryAuthorization, (d, m) => {
        const ours = hex(hashAgentAuthorization(d, m))
        const typed = agentAuthorizationTypedData(d, m)
        expect(ours).toBe(hashTypedData(typed))
        expect(ours).toBe(
          TypedDataEncoder.hash(d, { AgentAuthorization: [...typed.types.AgentAuthorization] }, m),
        )
      }),
      { numRuns: 200 },
    )
  })

  it('equals viem and ethers for any revocation', () => {
    fc.assert(
      fc.property(arbitraryDomain, arbitraryRevocation, (d, m) => {
        const ours = hex(hashAgentRevocation(d, m))
        const typed = agentRevocationTypedData(d, m)
        expect(ours).toBe(hashTypedData(typed))
        expect(ours).toBe(TypedDataEncoder.hash(d, { AgentRevocation: [...typed.types.AgentRevocation] }, m))
      }),
      { numRuns: 200 },
    )
  })

  it('matches eth_signTypedData_v4 with the EIP712Domain type spelled out', () => {
    const typed = agentAuthorizationTypedData(domain, authorization)
    // As a JSON-RPC wallet receives it: chainId a JSON number, EIP712Domain among the types.
    const v4 = {
      ...typed,
      domain: { ...domain, chainId: BigInt(domain.chainId) },
      types: { ...typed.types, EIP712Domain: AGENT_DOMAIN_TYPE },
    }
    expect(hex(hashAgentAuthorization(domain, authorization))).toBe(hashTypedData(v4))
  })

  it('changes with every member and domain field (no member is left out of the hash)', () => {
    const base = hex(hashAgentAuthorization(domain, authorization))
    for (const key of Object.keys(authorization) as (keyof AgentAuthorization)[]) {
      const changed = {
        ...authorization,
        [key]: key === 'wallet' ? `0x${'11'.repeat(20)}` : `${authorization[key]}x`,
      }
      expect(hex(hashAgentAuthorization(domain, changed as AgentAuthorization)), key).not.toBe(base)
    }
    for (const d of [
      { ...domain, name: 'Sigil2' },
      { ...domain, version: '2' },
      { ...domain, chainId: 10 },
    ])
      expect(hex(hashAgentAuthorization(d, authorization))).not.toBe(base)
    // An authorization and a revocation never share a digest (different type hashes).
    expect(hex(hashAgentRevocation(domain, revocation))).not.toBe(base)
  })
})

describe('agent typed data: the signer recovers', () => {
  it('from viem signTypedData (privateKeyToAccount)', async () => {
    const signature = await wallet.signTypedData(agentAuthorizationTypedData(domain, authorization))
    const signer = recoverDigestSigner(hashAgentAuthorization(domain, authorization), signature)
    expect(signer.ok && bytesEqual(signer.value, addressToBytes(wallet.address))).toBe(true)
  })

  it('from ethers Wallet.signTypedData', async () => {
    const ethersWallet = Wallet.createRandom()
    const message = { ...revocation, wallet: ethersWallet.address as `0x${string}` }
    const typed = agentRevocationTypedData(domain, message)
    const signature = await ethersWallet.signTypedData(
      domain,
      { AgentRevocation: [...typed.types.AgentRevocation] },
      message,
    )
    const signer = recoverDigestSigner(hashAgentRevocation(domain, message), signature)
    expect(signer.ok && bytesEqual(signer.value, addressToBytes(ethersWallet.address))).toBe(true)
  })

  it('refuses the high-s twin of a valid signature (malleability, EIP-2)', async () => {
    const signature = await wallet.signTypedData(agentAuthorizationTypedData(domain, authorization))
    const s = BigInt(`0x${signature.slice(66, 130)}`)
    const v = Number.parseInt(signature.slice(130), 16)
    const twin = `${signature.slice(0, 66)}${(SECP256K1_N - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}`
    expect(recoverDigestSigner(hashAgentAuthorization(domain, authorization), twin)).toEqual({
      ok: false,
      reason: 'signature_not_canonical',
    })
  })

  it('recovers someone else for a signature over another domain', async () => {
    const signature = await wallet.signTypedData(
      agentAuthorizationTypedData({ ...domain, name: 'Other' }, authorization),
    )
    const signer = recoverDigestSigner(hashAgentAuthorization(domain, authorization), signature)
    expect(signer.ok && bytesEqual(signer.value, addressToBytes(wallet.address))).toBe(false)
  })
})

describe('jwkThumbprint (RFC 7638)', () => {
  it('equals jose calculateJwkThumbprint for Ed25519 and P-256 keys', async () => {
    for (const type of ['ed25519', 'p256'] as const) {
      const { publicKey } =
        type === 'ed25519'
          ? generateKeyPairSync('ed25519')
          : generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const jwk = publicKey.export({ format: 'jwk' }) as Parameters<typeof jwkThumbprint>[0]
      expect(jwkThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk, 'sha256'))
    }
  })

  it('ignores optional members (alg, kid, use)', () => {
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' } as const
    expect(jwkThumbprint({ ...jwk, ...{ kid: 'a', alg: 'EdDSA' } })).toBe(jwkThumbprint(jwk))
    // The RFC 8037 §A.3 thumbprint of its Appendix A key.
    expect(jwkThumbprint(jwk)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k')
  })
})
