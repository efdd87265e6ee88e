import { hexToString, type PrivateKeyAccount } from 'viem'
import type { Eip1193Provider } from '../../src/index.js'

export interface TestProvider extends Eip1193Provider {
  /** every request, in order */
  readonly calls: { method: string; params?: readonly unknown[] | undefined }[]
  /** the texts it signed, decoded from personal_sign's hex */
  readonly signed: string[]
}

/**
 * An injected wallet as a dApp sees it (EIP-1193), backed by a viem account: lower-case account
 * (as MetaMask reports it), the chain as hex, personal_sign over the hex of the UTF-8 text.
 * `reject` answers personal_sign as a user who clicks "Reject" (EIP-1193 error 4001).
 */
export function eip1193Provider(
  account: PrivateKeyAccount,
  { chainId = 1, reject = false }: { chainId?: number; reject?: boolean } = {},
): TestProvider {
  const calls: TestProvider['calls'] = []
  const signed: string[] = []
  return {
    calls,
    signed,
    async request({ method, params }) {
      calls.push({ method, params })
      switch (method) {
        case 'eth_requestAccounts':
        case 'eth_accounts':
          return [account.address.toLowerCase()]
        case 'eth_chainId':
          return `0x${chainId.toString(16)}`
        case 'personal_sign': {
          if (reject) throw Object.assign(new Error('User rejected the request.'), { code: 4001 })
          const [data, address] = params as [`0x${string}`, string]
          if (address.toLowerCase() !== account.address.toLowerCase()) throw new Error('unknown account')
          signed.push(hexToString(data))
          return account.signMessage({ message: { raw: data } })
        }
        default:
          throw Object.assign(new Error(`method ${method} not supported`), { code: 4200 })
      }
    },
  }
}
