import { createHash } from 'node:crypto'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Kysely } from 'kysely'
import type { PrivateKeyAccount } from 'viem/accounts'
import type { Database, SessionRow } from '../../src/store/sql/schema.js'
import { TEST_PUBLIC_URL, type TestServer } from './test-server.js'
import { getNonce, type SiweFields, signedSiwe } from './wallet.js'

export const COOKIE = '__Host-sigil_session'
export const SAME_ORIGIN = { origin: TEST_PUBLIC_URL }
export const EVIL_ORIGIN = { origin: 'https://evil.example' }

export interface CookieSignInOptions {
  /** Extra request headers (Origin, Sec-Fetch-Site, User-Agent…). */
  headers?: Record<string, string>
  /** Cookies the browser already carries when it signs in. */
  cookies?: Record<string, string>
  /** SIWE fields other than the nonce (e.g. `scheme: 'http'` on a plain-http server). */
  fields?: Omit<SiweFields, 'nonce'>
}

/** Nonce → viem-built message → personal_sign → POST /v1/auth/siwe with `credential: "session"`. */
export async function signInWithCookie(
  app: FastifyInstance,
  wallet: PrivateKeyAccount,
  now: number,
  options: CookieSignInOptions = {},
): Promise<LightMyRequestResponse> {
  const nonce = await getNonce(app)
  const { message, signature } = await signedSiwe(wallet, { ...options.fields, nonce }, now)
  return app.inject({
    method: 'POST',
    url: '/v1/auth/siwe',
    payload: { message, signature, credential: 'session' },
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.cookies ? { cookies: options.cookies } : {}),
  })
}

export interface SetCookie {
  name: string
  value: string
  maxAge?: number
  expires?: Date
  httpOnly?: boolean
  secure?: boolean
  sameSite?: string
  path?: string
  domain?: string
}

/** The one Set-Cookie entry of `name` in a response, or undefined when it sets none. */
export function setCookieOf(response: LightMyRequestResponse, name = COOKIE): SetCookie | undefined {
  const entries = (response.cookies as SetCookie[]).filter((c) => c.name === name)
  if (entries.length > 1) throw new Error(`${entries.length} Set-Cookie entries for ${name}`)
  return entries[0]
}

/** The raw Set-Cookie header line for `name` (to check attributes the parser may normalise). */
export function rawSetCookie(response: LightMyRequestResponse, name = COOKIE): string | undefined {
  const header = response.headers['set-cookie']
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header]
  return lines.find((line) => line.startsWith(`${name}=`))
}

/** Signs in with a cookie and returns its value, the session id and the account. */
export async function cookieSession(
  app: FastifyInstance,
  wallet: PrivateKeyAccount,
  now: number,
  options: CookieSignInOptions = {},
  name = COOKIE,
) {
  const response = await signInWithCookie(app, wallet, now, options)
  if (response.statusCode !== 200) throw new Error(`cookie sign-in: ${response.statusCode} ${response.body}`)
  const cookie = setCookieOf(response, name)
  if (!cookie) throw new Error('cookie sign-in set no cookie')
  const body = response.json() as { account: { id: string; address: string }; sessionId: string }
  return { value: cookie.value, sessionId: body.sessionId, account: body.account, response }
}

/** A request carrying the session cookie (and whatever else the test adds). */
export function withCookie(
  app: FastifyInstance,
  value: string,
  request: InjectOptions & { headers?: Record<string, string> },
  name = COOKIE,
) {
  return app.inject({ ...request, cookies: { ...request.cookies, [name]: value } })
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest()

/** The `sid` claim of an access JWT (read without verifying: the server issued it). */
export function sidOf(accessToken: string): string {
  const payload = accessToken.split('.')[1]!
  return JSON.parse(Buffer.from(payload, 'base64url').toString()).sid
}

/** A value with the exact shape of a session cookie (`16 chars . 43 chars`) that no one issued. */
export const forgedCookieValue = (id = 'attackerid000000') => `${id}.${'A'.repeat(43)}`

/** Raw rows of the `sessions` table, read past the store (the SQLite stores expose their Kysely). */
export function sessionRows(server: TestServer): Promise<SessionRow[]> {
  const { db } = server.stores as unknown as { db: Kysely<Database> }
  return db.selectFrom('sessions').selectAll().execute()
}
