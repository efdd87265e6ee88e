import type { AddressInfo } from 'node:net'
import ccxt from 'ccxt'
import { settingsOf } from '../../src/http/dialects/define-dialect.js'
import { nativeDialect } from '../../src/http/dialects/native/index.js'
import { paradexDialect } from '../../src/http/dialects/paradex/index.js'
import { startTestServer, type TestServer } from './test-server.js'

/** A Sigil listening on 127.0.0.1 (a random port), for clients that speak HTTP themselves. */
export interface LiveSigil {
  server: TestServer
  origin: string
  /** The Paradex dialect's root: clients use `${paradex}/v1` as their `v1` base. */
  paradex: string
  /** The Paradex WebSocket URL (`ws://…/paradex/v1`). */
  ws: string
  close(): Promise<void>
}

/**
 * Starts the real app on a loopback port. The manual clock is set to the wall clock: ccxt stamps
 * `PARADEX-TIMESTAMP` with `Date.now()` and the test cannot move its clock.
 */
export async function listenSigil(flags: Record<string, unknown> = {}): Promise<LiveSigil> {
  // Every peer here is one client (127.0.0.1) on a clock that does not move: one client may take the
  // whole server-wide Starknet budget, as before fair shares (paradex.rate-limit.test.ts tests those).
  const server = await startTestServer({ rateLimitGlobalSharePercent: 100, ...flags })
  server.clock.set(Date.now())
  await server.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = server.app.server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  return {
    server,
    origin,
    paradex: `${origin}${settingsOf(server.config, paradexDialect).prefix}`,
    ws: `ws://127.0.0.1:${port}${settingsOf(server.config, paradexDialect).prefix}/v1`,
    close: () => server.close(),
  }
}

export const isLoopback = (url: string) => new URL(url).hostname === '127.0.0.1'

type Credentials = { walletAddress?: string; privateKey?: string }
type ParadexClass = typeof ccxt.paradex | typeof ccxt.pro.paradex

/**
 * An unmodified ccxt `paradex` (or `pro.paradex`) whose URLs point at Sigil, as a user would set
 * them (`urls.api = {v1, v2, ws}`). Its `fetch` is observed, not changed: each request is recorded
 * as `METHOD /path`, and one that would leave 127.0.0.1 is refused before it is sent.
 */
export function ccxtParadex<C extends ParadexClass = typeof ccxt.paradex>(
  sigil: LiveSigil,
  credentials: Credentials,
  options: Record<string, unknown> = {},
  Exchange: C = ccxt.paradex as C,
): { exchange: InstanceType<C>; requests: string[] } {
  const exchange = new Exchange({ ...credentials, options }) as InstanceType<C>
  exchange.urls.api = { v1: `${sigil.paradex}/v1`, v2: `${sigil.paradex}/v2`, ws: sigil.ws }
  const requests: string[] = []
  const send = exchange.fetch.bind(exchange)
  exchange.fetch = async (url: string, method = 'GET', headers?: unknown, body?: unknown) => {
    if (!isLoopback(url)) throw new Error(`ccxt tried to leave the machine: ${method} ${url}`)
    requests.push(`${method} ${new URL(url).pathname}`)
    return send(url, method, headers, body)
  }
  return { exchange, requests }
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection, but the call succeeded')
}

/** The native identity route (under `nativePrefix`), with a Paradex JWT as Bearer. */
export async function nativeMe(sigil: LiveSigil, jwt: string) {
  const url = `${sigil.origin}${settingsOf(sigil.server.config, nativeDialect).prefix}/v1/auth/me`
  const response = await fetch(url, { headers: { authorization: `Bearer ${jwt}` } })
  type Me = { account: { id: string; address: string; status: string }; scopes: string[] }
  return { status: response.status, body: (await response.json()) as Me }
}

/** Sigil's own answer to "which account does this Stark key derive to, and is it onboarded?". */
export async function onboardingStatus(sigil: LiveSigil, publicKey: string) {
  const url = `${sigil.paradex}/v1/onboarding?account_signer_type=starknet&public_key=${publicKey}`
  const response = await fetch(url)
  return { status: response.status, body: (await response.json()) as { address: string; exists: boolean } }
}
