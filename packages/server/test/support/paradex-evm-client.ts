import type { FastifyInstance } from 'fastify'
import type { Hex } from 'viem'
import { PARADEX } from './paradex-client.js'
import { personalSign, walletFromKey } from './wallet.js'

/** Hardhat #0: the §11 A2 EVM key. */
export const EVM_A2_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
/** Its Argent (EIP-191 signer) account under the testnet evm class (§11 EVM vector). */
export const EVM_A2_ACCOUNT = '0x42d60b8fbcae07594adc7ff932df23013be8b3f9694ccec64a7fcb75386ad1e'
export const PARADEX_SIWE_DOMAIN = 'app.testnet.paradex.trade'

export interface ParadexSiweFields {
  address: string
  statement: 'Paradex Onboarding' | 'Paradex Auth' | string
  issuedAt: Date
  expirationTime?: Date
  nonce?: string
  domain?: string
  uri?: string
  chainId?: number
}

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

/** The SIWE text exactly as paradex-py's ParadexEvm builds it (Paradex §7). */
export function paradexSiweText(fields: ParadexSiweFields): string {
  const domain = fields.domain ?? PARADEX_SIWE_DOMAIN
  const lines = [
    `${domain} wants you to sign in with your Ethereum account:`,
    fields.address,
    '',
    fields.statement,
    '',
    `URI: ${fields.uri ?? `https://${domain}`}`,
    'Version: 1',
    `Chain ID: ${fields.chainId ?? 11155111}`,
    `Nonce: ${fields.nonce ?? '00112233445566778899aabbccddeeff'}`,
    `Issued At: ${iso(fields.issuedAt)}`,
  ]
  if (fields.expirationTime) lines.push(`Expiration Time: ${iso(fields.expirationTime)}`)
  return lines.join('\n')
}

/** A v2 header set signed by `key` with viem (EIP-191 personal_sign). */
export async function paradexEvmHeaders(
  key: Hex,
  fields: Omit<ParadexSiweFields, 'address'> & { account: string },
): Promise<Record<string, string>> {
  const signer = walletFromKey(key)
  const text = paradexSiweText({ ...fields, address: signer.address })
  return {
    'paradex-starknet-account': fields.account,
    'paradex-evm-signature': await personalSign(signer, text),
    'paradex-siwe-message': Buffer.from(text, 'utf8').toString('base64'),
  }
}

export const evmOnboard = (
  app: FastifyInstance,
  headers: Record<string, string>,
  body: Record<string, unknown> = {},
  path = '/v2/onboarding',
) =>
  app.inject({
    method: 'POST',
    url: `${PARADEX}${path}`,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  })

export const evmAuth = (app: FastifyInstance, headers: Record<string, string>, path = '/v2/auth') =>
  app.inject({ method: 'POST', url: `${PARADEX}${path}`, headers })
