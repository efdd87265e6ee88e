import type { FastifyInstance } from 'fastify'
import type { Hex } from 'viem'
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts'
import { createSiweMessage } from 'viem/siwe'
import { TEST_PUBLIC_URL } from './test-server.js'

/**
 * The EVM signer of the tests: viem accounts, text signed with EIP-191 personal_sign. Clients that
 * bring their own signer (ethers for EVEDEX and ccxt, the Paradex SDK) keep it: they are the peers.
 */
export const walletFromKey = (privateKey: Hex): PrivateKeyAccount => privateKeyToAccount(privateKey)

export const newWallet = (): PrivateKeyAccount => walletFromKey(generatePrivateKey())

/** EIP-191 personal_sign of `message` by `wallet`. */
export const personalSign = (wallet: PrivateKeyAccount, message: string): Promise<Hex> =>
  wallet.signMessage({ message })

export interface SiweFields {
  domain?: string
  uri?: string
  chainId?: number
  nonce: string
  issuedAt?: Date
  expirationTime?: Date
  notBefore?: Date
  scheme?: string
  /** Default 'Sign in to the test venue.'; `null` leaves the statement out. */
  statement?: string | null
}

/** The message a dApp would build with viem (a real, independent client), for our test server. */
export function siweMessage(wallet: PrivateKeyAccount, fields: SiweFields, now: number): string {
  return createSiweMessage({
    address: wallet.address,
    domain: fields.domain ?? new URL(TEST_PUBLIC_URL).host,
    uri: fields.uri ?? TEST_PUBLIC_URL,
    version: '1',
    chainId: fields.chainId ?? 1,
    nonce: fields.nonce,
    issuedAt: fields.issuedAt ?? new Date(now),
    ...(fields.statement === null ? {} : { statement: fields.statement ?? 'Sign in to the test venue.' }),
    ...(fields.expirationTime ? { expirationTime: fields.expirationTime } : {}),
    ...(fields.notBefore ? { notBefore: fields.notBefore } : {}),
    ...(fields.scheme ? { scheme: fields.scheme } : {}),
  })
}

export async function getNonce(app: FastifyInstance, address?: string): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/auth/nonce',
    payload: address ? { address } : {},
  })
  if (response.statusCode !== 200) throw new Error(`nonce: ${response.statusCode} ${response.body}`)
  return response.json().nonce
}

/** `siweMessage` and its personal_sign by the same wallet. */
export async function signedSiwe(
  wallet: PrivateKeyAccount,
  fields: SiweFields,
  now: number,
): Promise<{ message: string; signature: Hex }> {
  const message = siweMessage(wallet, fields, now)
  return { message, signature: await personalSign(wallet, message) }
}

/** Nonce → viem-built message → personal_sign → POST /v1/auth/siwe. */
export async function signIn(app: FastifyInstance, wallet: PrivateKeyAccount, now: number) {
  const nonce = await getNonce(app)
  const payload = await signedSiwe(wallet, { nonce }, now)
  return app.inject({ method: 'POST', url: '/v1/auth/siwe', payload })
}
