import type { KeyObject } from 'node:crypto'
import type { Signer, TypedDataField } from 'ethers'
import { calculateJwkThumbprint } from 'jose'
import type { Hex } from 'viem'
import type { PrivateKeyAccount } from 'viem/accounts'
import { newKeyPair, type PeerAlg, type PeerKey } from './signed-requests.js'
import type { TestServer } from './test-server.js'
import { TEST_PUBLIC_URL } from './test-server.js'
import { getNonce } from './wallet.js'

/**
 * The client side of agent keys, built from independent parts: the agent's key pair and its
 * RFC 7638 thumbprint from node:crypto and jose, the EIP-712 typed data signed by viem
 * (`signTypedData`) or ethers (`Wallet.signTypedData`), nothing from Sigil's own encoder.
 */
export interface AgentKeyPair {
  alg: PeerAlg
  publicJwk: Record<string, string>
  privateKey: KeyObject
  thumbprint: string
}

export async function agentKeyPair(kind: 'ed25519' | 'p256' = 'ed25519'): Promise<AgentKeyPair> {
  const pair = newKeyPair(kind === 'ed25519' ? 'ed25519' : 'ecdsa-p256-sha256')
  return { ...pair, thumbprint: await calculateJwkThumbprint(pair.publicJwk as never) }
}

/** The agent key registered as `id`, as the bot that signs requests with it holds it. */
export const agentPeerKey = (id: string, agent: AgentKeyPair): PeerKey => ({
  id,
  alg: agent.alg,
  privateKey: agent.privateKey,
  publicJwk: agent.publicJwk,
})

export const AUTHORIZATION_TYPES = {
  AgentAuthorization: [
    { name: 'origin', type: 'string' },
    { name: 'wallet', type: 'address' },
    { name: 'agentKey', type: 'string' },
    { name: 'keyName', type: 'string' },
    { name: 'scope', type: 'string' },
    { name: 'nonce', type: 'string' },
    { name: 'issuedAt', type: 'string' },
    { name: 'expiresAt', type: 'string' },
  ],
} as const

export const REVOCATION_TYPES = {
  AgentRevocation: [
    { name: 'origin', type: 'string' },
    { name: 'wallet', type: 'address' },
    { name: 'keyId', type: 'string' },
    { name: 'nonce', type: 'string' },
    { name: 'issuedAt', type: 'string' },
  ],
} as const

export interface TypedData {
  domain: { name: string; version: string; chainId: number }
  message: Record<string, string>
}

export const DEFAULT_DOMAIN = { name: 'Sigil', version: '1', chainId: 1 }
const iso = (ms: number) => new Date(ms).toISOString()
const DAY = 86_400_000

/** An authorization for `wallet` over `agent`, issued now, for 7 days; `overrides` change anything. */
export function authorization(
  server: TestServer,
  wallet: { address: string },
  agent: AgentKeyPair,
  nonce: string,
  overrides: { domain?: Partial<TypedData['domain']>; message?: Record<string, string> } = {},
): TypedData {
  const now = server.clock.now()
  return {
    domain: { ...DEFAULT_DOMAIN, ...overrides.domain },
    message: {
      origin: TEST_PUBLIC_URL,
      wallet: wallet.address,
      agentKey: agent.thumbprint,
      keyName: 'market maker',
      scope: 'trade',
      nonce,
      issuedAt: iso(now),
      expiresAt: iso(now + 7 * DAY),
      ...overrides.message,
    },
  }
}

export function revocation(
  server: TestServer,
  wallet: { address: string },
  keyId: string,
  nonce: string,
  overrides: { domain?: Partial<TypedData['domain']>; message?: Record<string, string> } = {},
): TypedData {
  return {
    domain: { ...DEFAULT_DOMAIN, ...overrides.domain },
    message: {
      origin: TEST_PUBLIC_URL,
      wallet: wallet.address,
      keyId,
      nonce,
      issuedAt: iso(server.clock.now()),
      ...overrides.message,
    },
  }
}

const typesOf = (typed: TypedData) => ('agentKey' in typed.message ? AUTHORIZATION_TYPES : REVOCATION_TYPES)
const primaryTypeOf = (typed: TypedData) =>
  'agentKey' in typed.message ? ('AgentAuthorization' as const) : ('AgentRevocation' as const)

/** viem's signTypedData (a local account), as a dApp with viem/wagmi signs. */
export const signWithViem = (wallet: PrivateKeyAccount, typed: TypedData): Promise<Hex> =>
  wallet.signTypedData({
    domain: typed.domain,
    types: typesOf(typed),
    primaryType: primaryTypeOf(typed),
    message: typed.message,
  } as Parameters<PrivateKeyAccount['signTypedData']>[0])

/** ethers' Wallet.signTypedData: the independent peer. */
export const signWithEthers = (wallet: Pick<Signer, 'signTypedData'>, typed: TypedData): Promise<string> =>
  wallet.signTypedData(
    typed.domain,
    { [primaryTypeOf(typed)]: [...Object.values(typesOf(typed))[0]!] as TypedDataField[] },
    typed.message,
  )

export function postAuthorization(
  server: TestServer,
  typed: TypedData,
  publicKey: object,
  signature: string,
) {
  return server.app.inject({
    method: 'POST',
    url: '/v1/agent-keys',
    payload: { authorization: typed, publicKey, signature },
  })
}

export function postRevocation(server: TestServer, typed: TypedData, signature: string) {
  return server.app.inject({
    method: 'POST',
    url: '/v1/agent-keys/revoke',
    payload: { revocation: typed, signature },
  })
}

/** Nonce → authorization (`overrides` as in `authorization`) → viem signature → POST /v1/agent-keys. */
export async function authorizeAgent(
  server: TestServer,
  wallet: PrivateKeyAccount,
  agent: AgentKeyPair,
  overrides: Parameters<typeof authorization>[4] = {},
) {
  const typed = authorization(server, wallet, agent, await getNonce(server.app), overrides)
  return postAuthorization(server, typed, agent.publicJwk, await signWithViem(wallet, typed))
}
