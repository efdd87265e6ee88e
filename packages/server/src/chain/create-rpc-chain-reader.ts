import {
  BaseError,
  createPublicClient,
  encodeDeployData,
  encodeFunctionData,
  erc6492SignatureValidatorAbi,
  erc6492SignatureValidatorByteCode,
  http as httpTransport,
  type PublicClient,
} from 'viem'
import type { ChainReader, HexString } from '../core/chain/chain-reader.js'
import { AuthError } from '../core/errors.js'

const erc1271Abi = [
  {
    type: 'function',
    name: 'isValidSignature',
    stateMutability: 'view',
    inputs: [
      { name: 'hash', type: 'bytes32' },
      { name: 'signature', type: 'bytes' },
    ],
    outputs: [{ name: '', type: 'bytes4' }],
  },
] as const

/** bytes4(keccak256("isValidSignature(bytes32,bytes)")): EIP-1271's "valid" answer. */
const ERC1271_MAGIC = '1626ba7e'

/**
 * Whether an error from viem is the node's verdict that the call executed and failed (a revert,
 * an invalid opcode, out of gas) rather than a failure to get an answer. JSON-RPC code 3 is
 * "execution reverted" with data (geth, reth, Nethermind, Anvil); -32000 with an execution
 * message is geth's form without data. Anything else (transport error, timeout, HTTP status,
 * rate limit, internal error) is not a verdict.
 */
export function isExecutionFailure(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false
  const rpc = error.walk((e) => typeof (e as { code?: unknown }).code === 'number') as {
    code: number
    details?: string
    message?: string
  } | null
  if (!rpc) return false
  if (rpc.code === 3) return true
  const text = `${rpc.details ?? ''} ${rpc.message ?? ''}`
  return (
    rpc.code === -32000 &&
    /revert|out of gas|invalid opcode|stack (?:under|over)flow|invalid jump/i.test(text)
  )
}

export interface RpcChainReaderOptions {
  /** chain id → JSON-RPC URL (`chainRpcUrls`). */
  urls: Readonly<Record<string, string>>
  /** Per request (`chainRpcTimeoutSeconds`). */
  timeoutMs: number
}

/**
 * The ChainReader over JSON-RPC, one viem public client per configured chain (http transport,
 * no retries: the timeout is the whole budget of a sign-in's RPC call). viem encodes the calls
 * (EIP-1271 `isValidSignature`, the deployless EIP-6492 validator); which call to make, on which
 * chain, is core's. A URL is never logged: errors carry the chain id and the redacted host only.
 */
export function createRpcChainReader(options: RpcChainReaderOptions): ChainReader {
  const clients = new Map<number, PublicClient>()
  for (const [chainId, url] of Object.entries(options.urls)) {
    clients.set(
      Number(chainId),
      createPublicClient({
        transport: httpTransport(url, { timeout: options.timeoutMs, retryCount: 0 }),
        cacheTime: 0,
      }),
    )
  }

  const clientFor = (chainId: number) => {
    const client = clients.get(chainId)
    if (!client) throw new Error(`no RPC configured for chain ${chainId}`)
    return client
  }

  const unavailable = (chainId: number, error: unknown) =>
    new AuthError(
      'CHAIN_UNAVAILABLE',
      `chain ${chainId}: ${error instanceof BaseError ? error.name : 'error'}`,
      {
        detail: `chain ${chainId}`,
      },
    )

  /** eth_call: the return data, or null when the call executed and failed. */
  const call = async (chainId: number, params: { to?: HexString; data: HexString }) => {
    try {
      const result = await clientFor(chainId).request({
        method: 'eth_call',
        params: [params.to ? { to: params.to, data: params.data } : { data: params.data }, 'latest'],
      })
      return result as HexString
    } catch (error) {
      if (isExecutionFailure(error)) return null
      throw unavailable(chainId, error)
    }
  }

  return {
    supports: (chainId) => clients.has(chainId),

    async hasCode(chainId, address) {
      try {
        const code = await clientFor(chainId).request({ method: 'eth_getCode', params: [address, 'latest'] })
        return typeof code === 'string' && code.length > 2
      } catch (error) {
        throw unavailable(chainId, error)
      }
    },

    async isValidSignature(chainId, address, hash, signature) {
      const data = await call(chainId, {
        to: address,
        data: encodeFunctionData({
          abi: erc1271Abi,
          functionName: 'isValidSignature',
          args: [hash, signature],
        }),
      })
      // Exactly one ABI word: bytes4 magic, left-aligned, zero-padded. Short or other data: invalid.
      return (
        data !== null && data.length === 66 && data.slice(2).toLowerCase() === ERC1271_MAGIC.padEnd(64, '0')
      )
    },

    async isValidCounterfactualSignature(chainId, address, hash, signature) {
      // The universal validator (ERC-6492 reference) runs in its constructor and returns one byte:
      // deploy the account through its factory if it has no code, then call EIP-1271, all in a
      // simulated deployment that writes nothing.
      const data = await call(chainId, {
        data: encodeDeployData({
          abi: erc6492SignatureValidatorAbi,
          bytecode: erc6492SignatureValidatorByteCode,
          args: [address, hash, signature],
        }),
      })
      return data !== null && /^0x0*1$/.test(data)
    },
  }
}
