import { ethSigToPrivate, getStarkKey } from '@scure/starknet'
import { deriveParadexAccountAddress, feltToHex, PARADEX_TESTNET_ACCOUNT_CLASS_HASHES } from '@sigil/protocol'
import { HDNodeWallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decodeJwt, onboard, paradexAuth } from './support/paradex-client.js'
import { paradexSigner } from './support/paradex-signer.js'
import { startTestServer, type TestServer } from './support/test-server.js'

/**
 * Paradex §5 + §11, the whole chain from a mnemonic: BIP-44 EVM key → the EIP-712 "STARK Key"
 * signature (ethers) → the ground Stark private key (@scure/starknet, as ccxt and the SDK do) →
 * stark key → account address (Sigil's derivation) → onboarding and auth on the real server.
 */
const mnemonic = (last: string) => `${'test '.repeat(11)}${last}`
const VECTORS = [
  {
    name: 'A1',
    mnemonic: mnemonic('ball'),
    evmAddress: '0xc6D5a3c98EC9073B54FA0969957Bd582e8D874bf',
    starkKeySignature:
      '0xb36430558d085400678ff7f40ca92d99a80a980047d01f0851004da6d2081db76767f6e39825ce932d131f8af0a286244ae7dd9bf1b3b520bef91ecacf5706691b',
    starkPrivate: '0x643b17fd3d0c403b8214af3439adbff6d8359e034de6c7d46b4ab5696c461de',
    starkPublic: '0x6474150249eab5cd37f421f36b2750ad8fb226530dcef499bfa21fd73120e18',
    address: '0x72c394aaa3fae59ad7749c856dc18e2a289e83885b80c0da7731290a9163e17',
  },
  {
    name: 'A2',
    mnemonic: mnemonic('junk'),
    evmAddress: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    starkKeySignature:
      '0xa3021d585eb7199916cca8c7b59b6a886a4807138548476fbd5dca9c0c6c9e254d045a2025c98da1a74f555ff2644a16d0a7c4c9ae1ad467ffe77b03193802741b',
    starkPrivate: '0x2482c217d9d4f7cab57ca16f93d64edcfeff9aa1874a1dc57fa1c28dafcd0aa',
    starkPublic: '0x8857491dd4065910836e3b02bd51c93f1c3c1e2289accb0bc02123555569c1',
    address: '0x37ff1c9d89a50b3dd3a4f90e020ea80251b09ba28049efbe4f7d3fec2995c4a',
  },
  {
    name: 'A3',
    mnemonic: mnemonic('waste'),
    starkPrivate: '0x4a1b2d35077aa975d28635208cf587cc31f499c3ca6c417d5ba5de486a7e5f5',
    starkPublic: '0x160afbb32213cb863af2bd49f633af689c814161323f63b49c004c03f508fc9',
    address: '0x18610fa9cdb1dd19cc224f137754dc98fc4a2af9bb3a20dc6a15baa1fc1a1f8',
  },
] as const

const STARK_KEY_TYPED_DATA = {
  domain: { name: 'Paradex', version: '1', chainId: 11155111 },
  types: { Constant: [{ name: 'action', type: 'string' }] },
  message: { action: 'STARK Key' },
}

async function deriveFromMnemonic(phrase: string) {
  const wallet = HDNodeWallet.fromPhrase(phrase)
  const { domain, types, message } = STARK_KEY_TYPED_DATA
  const signature = await wallet.signTypedData(domain, types, message)
  const starkPrivate = `0x${ethSigToPrivate(signature)}`
  const starkPublic = feltToHex(BigInt(getStarkKey(starkPrivate)))
  const derived = deriveParadexAccountAddress({
    publicKey: starkPublic,
    ...PARADEX_TESTNET_ACCOUNT_CLASS_HASHES,
  })
  return {
    evmAddress: wallet.address,
    signature,
    starkPrivate,
    starkPublic,
    address: derived.ok ? feltToHex(derived.value) : '',
  }
}

describe('Paradex key vectors (§11): mnemonic → Stark key → account', () => {
  it.each(VECTORS)('default: $name derives the official keys and address', async (vector) => {
    const derived = await deriveFromMnemonic(vector.mnemonic)
    if ('evmAddress' in vector) {
      expect(derived.evmAddress).toBe(vector.evmAddress)
      expect(derived.signature).toBe(vector.starkKeySignature)
    }
    expect(BigInt(derived.starkPrivate)).toBe(BigInt(vector.starkPrivate))
    expect(derived.starkPublic).toBe(vector.starkPublic)
    expect(derived.address).toBe(vector.address)
  })
})

describe('Paradex key vectors through the real server', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  it('behavior: A3 (no recorded signatures) onboards and signs in with signatures made from its derived key', async () => {
    const { starkPrivate } = await deriveFromMnemonic(VECTORS[2].mnemonic)
    // The starknet.js peer signs with the derived key; it finds the vector's Stark key and account.
    const signer = paradexSigner(starkPrivate)
    expect([signer.publicKey, signer.account]).toEqual([VECTORS[2].starkPublic, VECTORS[2].address])
    expect((await onboard(server.app, signer)).statusCode).toBe(200)

    const timestamp = Math.floor(server.clock.now() / 1000)
    const response = await paradexAuth(server.app, signer.account, signer.auth(timestamp, timestamp + 180))
    expect(response.statusCode).toBe(200)
    expect(decodeJwt(response.json().jwt_token).sub).toBe(VECTORS[2].address)
  })
})
