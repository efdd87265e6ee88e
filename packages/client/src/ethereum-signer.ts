import { toChecksumAddress } from '@sigil/protocol/siwe'
import { SigilError } from './errors.js'
import type { Address } from './types.js'

type Hex = `0x${string}`

/** A viem `LocalAccount` (`privateKeyToAccount`, `mnemonicToAccount`), or anything shaped like it. */
export interface EthereumAccount {
  readonly address: Address
  signMessage(args: { message: string }): Promise<Hex>
}

/** A viem `WalletClient` (with or without a hoisted account), or anything shaped like it. */
export interface EthereumWalletClient {
  readonly account?: { readonly address: Address } | undefined
  readonly chain?: { readonly id: number } | undefined
  getAddresses(): Promise<readonly Address[]>
  signMessage(args: { account: Address; message: string }): Promise<Hex>
}

/** EIP-1193: an injected wallet (`window.ethereum`), WalletConnect, a hardware wallet bridge. */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] }): Promise<unknown>
}

/** Whatever `signInWithEthereum` can sign with. */
export type EthereumSigner = EthereumAccount | EthereumWalletClient | Eip1193Provider

/** The three kinds, reduced to what a sign-in needs. */
export interface ResolvedSigner {
  /** EIP-55 casing, as the message must carry it */
  address: Address
  /** the chain the wallet says it is on, when it says one */
  chainId: number | undefined
  sign(message: string): Promise<Hex>
}

const isAccount = (s: EthereumSigner): s is EthereumAccount =>
  typeof (s as EthereumAccount).address === 'string' &&
  typeof (s as EthereumAccount).signMessage === 'function'

const isWalletClient = (s: EthereumSigner): s is EthereumWalletClient =>
  typeof (s as EthereumWalletClient).signMessage === 'function' &&
  typeof (s as EthereumWalletClient).getAddresses === 'function'

const isHex = (value: unknown): value is Hex => typeof value === 'string' && /^0x[0-9a-fA-F]*$/.test(value)

/** UTF-8 bytes as 0x-hex: personal_sign's message parameter, as wallets expect it. */
function utf8ToHex(text: string): Hex {
  let hex = '0x'
  for (const byte of new TextEncoder().encode(text)) hex += byte.toString(16).padStart(2, '0')
  return hex as Hex
}

function rejected(cause: unknown, what: string): SigilError {
  const code = (cause as { code?: unknown } | null)?.code
  // EIP-1193 4001: the user said no; anything else is the wallet's own failure.
  const detail = code === 4001 ? `${what}: rejected by the user` : `${what} failed`
  return new SigilError({ code: 'SIGNER_REJECTED', detail, cause })
}

function checksummed(address: unknown): Address {
  if (typeof address !== 'string') throw rejected(undefined, 'the wallet gave no account')
  try {
    return toChecksumAddress(address)
  } catch (error) {
    throw rejected(error, 'the wallet gave an account that is not an address')
  }
}

async function call<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw error instanceof SigilError ? error : rejected(error, what)
  }
}

/** Asks the signer who it is (an EIP-1193 wallet may prompt the user to connect here). */
export async function resolveSigner(signer: EthereumSigner): Promise<ResolvedSigner> {
  if (isAccount(signer)) {
    return {
      address: checksummed(signer.address),
      chainId: undefined,
      sign: (message) => call('signing', () => signer.signMessage({ message })),
    }
  }
  if (isWalletClient(signer)) {
    const address = checksummed(
      signer.account?.address ?? (await call('reading the accounts', () => signer.getAddresses()))[0],
    )
    return {
      address,
      chainId: signer.chain?.id,
      sign: (message) => call('signing', () => signer.signMessage({ account: address, message })),
    }
  }
  const accounts = await call('connecting', () => signer.request({ method: 'eth_requestAccounts' }))
  const address = checksummed(Array.isArray(accounts) ? accounts[0] : undefined)
  const chain = await call('reading the chain', () => signer.request({ method: 'eth_chainId' }))
  return {
    address,
    chainId: isHex(chain) ? Number.parseInt(chain, 16) : undefined,
    sign: (message) =>
      call('signing', async () => {
        const signature = await signer.request({
          method: 'personal_sign',
          params: [utf8ToHex(message), address],
        })
        if (!isHex(signature)) throw new SigilError({ code: 'SIGNER_REJECTED', detail: 'not a signature' })
        return signature
      }),
  }
}
