import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { createSiweMessage } from 'viem/siwe'
import type { TestServer } from './test-server.js'

/** EVEDEX mainnet and demo/dev chain ids (their docs and SDK). */
export const EVEDEX_CHAIN_ID = 161803
export const EVEDEX_DEMO_CHAIN_ID = 16182

/** What an EVEDEX client signs with: an ethers v6 signer, or anything that signs like one. */
export interface Signer {
  getAddress(): Promise<string>
  signMessage(message: string): Promise<string>
}

export interface MessageFields {
  address: string
  nonce: string
  chainId: number
  issuedAt: Date
  domain?: string
  uri?: string
  scheme?: string
  expirationTime?: Date
}

/**
 * The text EVEDEX's SDK signs (`getAuthSiweMessagePayload`: the `siwe` package's prepareMessage with
 * scheme https and the statement `Sign in to <domain>`), rebuilt with viem, which writes the same
 * bytes for these fields (`siwe` is not installed here).
 */
export function sdkMessage(fields: MessageFields): string {
  const domain = fields.domain ?? 'app.example'
  return createSiweMessage({
    scheme: fields.scheme ?? 'https',
    domain,
    uri: fields.uri ?? 'https://app.example',
    address: fields.address as `0x${string}`,
    statement: `Sign in to ${domain}`,
    nonce: fields.nonce,
    chainId: fields.chainId,
    version: '1',
    issuedAt: fields.issuedAt,
    ...(fields.expirationTime ? { expirationTime: fields.expirationTime } : {}),
  })
}

/** The `createSiweMessage` of EVEDEX's docs, verbatim: `${uri}` opens line 1, and there is no statement. */
export function docsMessage({
  address,
  uri,
  version,
  chainId,
  nonce,
  issuedAt,
}: {
  address: string
  uri: string
  version: string
  chainId: number | bigint
  nonce: string
  issuedAt: string
}): string {
  return `${uri} wants you to sign in with your Ethereum account:
${address}


URI: ${uri}
Version: ${version}
Chain ID: ${chainId}
Nonce: ${nonce}
Issued At: ${issuedAt}`
}

/** Requests to the EVEDEX dialect as their clients send them (JSON in, Bearer tokens). */
export function evedexApi(app: FastifyInstance, prefix = '/evedex') {
  const send = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> =>
    app.inject({
      method,
      url: `${prefix}${path}`,
      headers: {
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
    })
  return {
    send,
    async nonce(): Promise<string> {
      const response = await send('GET', '/auth/nonce')
      if (response.statusCode !== 200) throw new Error(`nonce: ${response.statusCode} ${response.body}`)
      return response.json().nonce
    },
    signUp: (body: Record<string, unknown>) => send('POST', '/auth/user/sign-up', { body }),
    /** As the SDK's `refresh()`: a JSON content type, no body, the refresh token as the Bearer. */
    refresh: (refreshToken: string) =>
      send('POST', '/auth/refresh', {
        token: refreshToken,
        headers: { 'content-type': 'application/json' },
      }),
    me: (token: string) => send('GET', '/auth/user/me', { token }),
  }
}

export interface EvedexSession {
  address: string
  user: { id: string; wallet: string; [field: string]: unknown }
  token: { accessToken: string; refreshToken: string }
}

/**
 * The sign-up body the SDK sends for `nonce`: its message (mainnet chain, issued `now`; `fields`
 * override), signed by `signer` with personal_sign. The one place EVEDEX clients sign.
 */
export async function signUpBody(
  signer: Signer,
  nonce: string,
  now: number,
  fields: Partial<MessageFields> = {},
): Promise<{ wallet: string; message: string; nonce: string; signature: string }> {
  const address = await signer.getAddress()
  const message = sdkMessage({ address, nonce, chainId: EVEDEX_CHAIN_ID, issuedAt: new Date(now), ...fields })
  return { wallet: address, message, nonce, signature: await signer.signMessage(message) }
}

/** Nonce → the SDK's message → personal_sign → sign-up; throws unless it is a 200. */
export async function evedexSignUp(server: TestServer, signer: Signer): Promise<EvedexSession> {
  const api = evedexApi(server.app)
  const body = await signUpBody(signer, await api.nonce(), server.clock.now())
  const response = await api.signUp(body)
  if (response.statusCode !== 200) throw new Error(`sign-up: ${response.statusCode} ${response.body}`)
  return { address: body.wallet, ...response.json() }
}
