import type { FastifyInstance, HTTPMethods, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { PrivateKeyAccount } from 'viem/accounts'
import { createSiweMessage } from 'viem/siwe'
import { TEST_PUBLIC_URL } from './test-server.js'
import { personalSign } from './wallet.js'

/** What OCX's own docs show: statement, Base Sepolia, and the host and origin of the API. */
export const OCX_STATEMENT = 'Sign in to OCX to continue.'
export const OCX_CHAIN_ID = 84532
export const OCX_COOKIE = 'astra_session'
export const OCX_ORIGIN = { origin: TEST_PUBLIC_URL }

/**
 * A browser-like cookie jar over `inject`: keeps what Set-Cookie stores, forgets what it clears
 * (Max-Age=0 or an Expires in the past), sends the rest back on every request.
 */
export function cookieJar() {
  const cookies = new Map<string, string>()
  return {
    cookies,
    store(response: LightMyRequestResponse) {
      for (const c of response.cookies as {
        name: string
        value: string
        maxAge?: number
        expires?: Date
      }[]) {
        const gone = c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() <= Date.now())
        if (gone || c.value === '') cookies.delete(c.name)
        else cookies.set(c.name, c.value)
      }
      return response
    },
    header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
  }
}
export type CookieJar = ReturnType<typeof cookieJar>

export interface OcxClientOptions {
  prefix?: string
  /** Headers every request carries (the page's Origin, as a browser sends it). */
  headers?: Record<string, string>
}

/** OCX's documented calls, as a web client makes them: JSON bodies, the cookie jar, an Origin. */
export function ocxClient(app: FastifyInstance, options: OcxClientOptions = {}) {
  const prefix = options.prefix ?? '/ocx'
  const jar = cookieJar()
  const call = async (
    method: HTTPMethods,
    path: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const cookie = jar.header()
    return jar.store(
      await app.inject({
        method,
        url: `${prefix}${path}`,
        headers: { ...options.headers, ...(cookie ? { cookie } : {}), ...headers },
        ...(payload === undefined ? {} : { payload: payload as NonNullable<InjectOptions['payload']> }),
      }),
    )
  }
  return {
    jar,
    call,
    nonce: (walletAddress: string) => call('POST', '/auth/nonce', { walletAddress }),
    siwe: (message: string, signature: string) => call('POST', '/auth/siwe', { message, signature }),
    me: (headers?: Record<string, string>) => call('GET', '/auth/me', undefined, headers),
  }
}
export type OcxClient = ReturnType<typeof ocxClient>

export interface OcxMessageFields {
  nonce: string
  now: number
  /** Seconds after Issued At; `null` leaves Expiration Time out. Default 600. */
  expiresIn?: number | null
  domain?: string
  uri?: string
  chainId?: number
  scheme?: string
}

/** The message an OCX dApp builds with viem's createSiweMessage. */
export function ocxMessage(wallet: PrivateKeyAccount, fields: OcxMessageFields): string {
  const expiresIn = fields.expiresIn === undefined ? 600 : fields.expiresIn
  return createSiweMessage({
    address: wallet.address,
    domain: fields.domain ?? new URL(TEST_PUBLIC_URL).host,
    uri: fields.uri ?? TEST_PUBLIC_URL,
    version: '1',
    chainId: fields.chainId ?? OCX_CHAIN_ID,
    nonce: fields.nonce,
    issuedAt: new Date(fields.now),
    statement: OCX_STATEMENT,
    ...(expiresIn === null ? {} : { expirationTime: new Date(fields.now + expiresIn * 1000) }),
    ...(fields.scheme ? { scheme: fields.scheme } : {}),
  })
}

/** Nonce → message → personal_sign → /auth/siwe, through `client` (whose jar keeps the cookie). */
export async function ocxSignIn(
  client: OcxClient,
  wallet: PrivateKeyAccount,
  now: number,
  fields: Omit<OcxMessageFields, 'nonce' | 'now'> = {},
) {
  const nonce = (await client.nonce(wallet.address)).json().nonce as string
  const message = ocxMessage(wallet, { ...fields, nonce, now })
  const signature = await personalSign(wallet, message)
  return { response: await client.siwe(message, signature), message, signature, nonce }
}

/** Signs in and returns the session value the cookie carries; throws unless it worked. */
export async function ocxSession(client: OcxClient, wallet: PrivateKeyAccount, now: number) {
  const { response } = await ocxSignIn(client, wallet, now)
  const value = client.jar.cookies.get(OCX_COOKIE)
  if (response.statusCode !== 200 || !value)
    throw new Error(`OCX sign-in: ${response.statusCode} ${response.body}`)
  return { value, user: response.json() as { userId: string; walletAddress: string } }
}
