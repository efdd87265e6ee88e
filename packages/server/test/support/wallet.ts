import type { FastifyInstance } from 'fastify'
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts'
import { createSiweMessage } from 'viem/siwe'
import { TEST_PUBLIC_URL } from './test-server.js'

export const newWallet = (): PrivateKeyAccount => privateKeyToAccount(generatePrivateKey())

export interface SiweFields {
  domain?: string
  uri?: string
  chainId?: number
  nonce: string
  issuedAt?: Date
  expirationTime?: Date
  notBefore?: Date
  scheme?: string
  statement?: string
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
    statement: fields.statement ?? 'Sign in to the test venue.',
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

/** Nonce → viem-built message → personal_sign → POST /v1/auth/siwe. */
export async function signIn(app: FastifyInstance, wallet: PrivateKeyAccount, now: number) {
  const nonce = await getNonce(app)
  const message = siweMessage(wallet, { nonce }, now)
  const signature = await wallet.signMessage({ message })
  return app.inject({ method: 'POST', url: '/v1/auth/siwe', payload: { message, signature } })
}
