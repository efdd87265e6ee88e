/**
 * The EIP-712 typed data a wallet signs to authorize (or revoke) an agent key: a key a bot holds,
 * registered as a signed-request (RFC 9421) key of the wallet's account, without a session.
 *
 * Domain: `EIP712Domain(string name,string version,uint256 chainId)`, the name being the
 * deployment's (`agentKeyDomainName`, "Sigil" by default) and the chain one of the sign-in chains.
 * No `verifyingContract`: nothing on chain verifies this. The deployment's origin is a member of
 * each message instead (`origin`, like SIWE's domain): ethers and wallets accept only the five
 * standard domain fields, and a member shows in every wallet's signing prompt.
 *
 * Every member is a string, an address or (the domain's chainId) a uint256, so that a wallet shows
 * each as text a person can read: times are RFC 3339 strings, the agent's key is its RFC 7638
 * JWK thumbprint (what `sigil` and the SDK print for a key pair), the scope a word.
 */
import type { EvmCrypto } from '../evm/evm-crypto.js'
import { type FlatMember, hashFlatStruct, typedDataDigest } from './eip712-flat-struct.js'

export const AGENT_DOMAIN_VERSION = '1'
export const AGENT_DOMAIN_NAME_DEFAULT = 'Sigil'

/** What an agent key may do: never `account` (key management), which only a wallet sign-in holds. */
export const AGENT_KEY_SCOPES = ['read', 'trade'] as const
export type AgentKeyScope = (typeof AGENT_KEY_SCOPES)[number]

export const AGENT_DOMAIN_TYPE = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
] as const satisfies readonly FlatMember[]

export const AGENT_AUTHORIZATION_TYPE = [
  /** `scheme://domain` of the Sigil deployment (its SIWE scheme and domain). */
  { name: 'origin', type: 'string' },
  /** The authorizing wallet; the signature must be its (or its contract's, EIP-1271). */
  { name: 'wallet', type: 'address' },
  /** RFC 7638 SHA-256 thumbprint (base64url) of the agent's public JWK. */
  { name: 'agentKey', type: 'string' },
  /** The API key's name, as lists show it. */
  { name: 'keyName', type: 'string' },
  { name: 'scope', type: 'string' },
  /** From `POST /v1/auth/nonce`: single use. */
  { name: 'nonce', type: 'string' },
  { name: 'issuedAt', type: 'string' },
  { name: 'expiresAt', type: 'string' },
] as const satisfies readonly FlatMember[]

export const AGENT_REVOCATION_TYPE = [
  { name: 'origin', type: 'string' },
  { name: 'wallet', type: 'address' },
  /** The API key id (`keyid` of the agent's signed requests). */
  { name: 'keyId', type: 'string' },
  { name: 'nonce', type: 'string' },
  { name: 'issuedAt', type: 'string' },
] as const satisfies readonly FlatMember[]

export interface AgentDomain {
  name: string
  version: string
  chainId: number
}

export interface AgentAuthorization {
  origin: string
  wallet: `0x${string}`
  agentKey: string
  keyName: string
  scope: AgentKeyScope
  nonce: string
  issuedAt: string
  expiresAt: string
}

export interface AgentRevocation {
  origin: string
  wallet: `0x${string}`
  keyId: string
  nonce: string
  issuedAt: string
}

/**
 * The typed data as viem's `signTypedData` and ethers' `signTypedData` take it (`types` without
 * `EIP712Domain`, which both derive from the domain). For `eth_signTypedData_v4` over JSON-RPC add
 * `EIP712Domain: AGENT_DOMAIN_TYPE` to `types`.
 */
export function agentAuthorizationTypedData(domain: AgentDomain, message: AgentAuthorization) {
  return {
    domain,
    types: { AgentAuthorization: AGENT_AUTHORIZATION_TYPE },
    primaryType: 'AgentAuthorization' as const,
    message,
  }
}

export function agentRevocationTypedData(domain: AgentDomain, message: AgentRevocation) {
  return {
    domain,
    types: { AgentRevocation: AGENT_REVOCATION_TYPE },
    primaryType: 'AgentRevocation' as const,
    message,
  }
}

type Keccak = Pick<EvmCrypto, 'keccak256'>

export function agentDomainSeparator(domain: AgentDomain, crypto?: Keccak): Uint8Array {
  const values = { name: domain.name, version: domain.version, chainId: BigInt(domain.chainId) }
  return hashFlatStruct('EIP712Domain', AGENT_DOMAIN_TYPE, values, crypto)
}

/** The 32-byte digest the wallet signs (EIP-712 `hashTypedData`). Inputs already parsed. */
export function hashAgentAuthorization(
  domain: AgentDomain,
  message: AgentAuthorization,
  crypto?: Keccak,
): Uint8Array {
  const struct = hashFlatStruct('AgentAuthorization', AGENT_AUTHORIZATION_TYPE, { ...message }, crypto)
  return typedDataDigest(agentDomainSeparator(domain, crypto), struct, crypto)
}

export function hashAgentRevocation(
  domain: AgentDomain,
  message: AgentRevocation,
  crypto?: Keccak,
): Uint8Array {
  const struct = hashFlatStruct('AgentRevocation', AGENT_REVOCATION_TYPE, { ...message }, crypto)
  return typedDataDigest(agentDomainSeparator(domain, crypto), struct, crypto)
}
