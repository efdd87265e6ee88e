import { ec, hash, typedData } from 'starknet'

const felt = (name: string) => ({ name, type: 'felt' })
const StarkNetDomain = [felt('name'), felt('chainId'), felt('version')]
const TESTNET = {
  accountClassHash: '0x41cb0280ebadaa75f996d8d92c6f265f6d040bb3ba442e5f86a554f1765244e',
  proxyClassHash: '0x3530cc4759d78042f1b543bf797f5f3d647cde0388c33734cf91b7f7b9314a9',
}
export const PARADEX_TESTNET_CHAIN_ID = 'PRIVATE_SN_POTC_SEPOLIA'

/** The SNIP-12 (v0) typed data a Paradex client signs: onboarding, and the `POST /v1/auth` request. */
export const paradexTypedData = {
  onboarding: (chainId: string) => ({
    types: { StarkNetDomain, Constant: [felt('action')] },
    primaryType: 'Constant',
    domain: { name: 'Paradex', chainId, version: '1' },
    message: { action: 'Onboarding' },
  }),
  auth: (chainId: string, timestamp: number, expiration: number) => ({
    types: { StarkNetDomain, Request: ['method', 'path', 'body', 'timestamp', 'expiration'].map(felt) },
    primaryType: 'Request',
    domain: { name: 'Paradex', chainId, version: '1' },
    message: { method: 'POST', path: '/v1/auth', body: '', timestamp, expiration },
  }),
}

export type StarkSignature = readonly (string | bigint)[] | { r: bigint | string; s: bigint | string }

/** `PARADEX-STARKNET-SIGNATURE`: `["r","s"]` in decimal, as ccxt and the SDK's fullnode auth send it. */
export const signatureHeader = (signature: StarkSignature) => {
  const [r, s] = 'r' in signature ? [signature.r, signature.s] : signature
  return JSON.stringify([BigInt(r!).toString(), BigInt(s!).toString()])
}

/**
 * A Paradex client built on starknet.js alone, as ccxt does it: the address from
 * `calculateContractAddressFromHash`, the hashes from `typedData.getMessageHash`, signatures from
 * `ec.starkCurve.sign`. Independent of @sigil/protocol, so the server is checked against a peer.
 */
export function paradexSigner(privateKey: string, chainId = PARADEX_TESTNET_CHAIN_ID) {
  const publicKey = ec.starkCurve.getStarkKey(privateKey)
  const calldata = [TESTNET.accountClassHash, hash.getSelectorFromName('initialize'), '2', publicKey, '0']
  const account = `0x${BigInt(hash.calculateContractAddressFromHash(publicKey, TESTNET.proxyClassHash, calldata, 0)).toString(16)}`
  const sign = (msgHash: string) => {
    const { r, s } = ec.starkCurve.sign(msgHash, privateKey)
    return { r, s }
  }
  return {
    account,
    publicKey,
    onboarding: sign(typedData.getMessageHash(paradexTypedData.onboarding(chainId), account)),
    auth(timestamp: number, expiration: number) {
      return {
        timestamp,
        expiration,
        ...sign(typedData.getMessageHash(paradexTypedData.auth(chainId, timestamp, expiration), account)),
      }
    },
  }
}

/**
 * A Paradex subkey as paradex-py's `SubkeyAccount` signs with it: its own stark key, but the auth
 * typed data names the MAIN account (PARADEX-STARKNET-ACCOUNT), and the request goes to
 * `/v1/auth/{its public key}`. starknet.js alone, as `paradexSigner`.
 */
export function paradexSubkeySigner(
  privateKey: string,
  mainAccount: string,
  chainId = PARADEX_TESTNET_CHAIN_ID,
) {
  const publicKey = ec.starkCurve.getStarkKey(privateKey)
  return {
    account: mainAccount,
    publicKey,
    auth(timestamp: number, expiration: number, account = mainAccount) {
      const msgHash = typedData.getMessageHash(paradexTypedData.auth(chainId, timestamp, expiration), account)
      const { r, s } = ec.starkCurve.sign(msgHash, privateKey)
      return { timestamp, expiration, r, s }
    },
  }
}
