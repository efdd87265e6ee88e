import type { HTTPMethods, LightMyRequestResponse } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { OCX_COOKIE, OCX_ORIGIN, ocxClient, ocxSession } from './support/ocx-client.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet } from './support/wallet.js'

type Need = 'public' | 'optional' | 'account'

/** Every OCX route and what it needs (access-matrix.test.ts lists them too, for the whole app). */
const OCX_ROUTES: Record<string, Need> = {
  'POST /ocx/auth/nonce': 'public',
  'POST /ocx/auth/siwe': 'public',
  'GET /ocx/auth/me': 'optional',
  'HEAD /ocx/auth/me': 'optional',
  'POST /ocx/auth/logout': 'account',
  'POST /ocx/auth/redeem-invite': 'account',
  'GET /ocx/perps/me/api-keys': 'account',
  'HEAD /ocx/perps/me/api-keys': 'account',
  'POST /ocx/perps/me/api-keys': 'account',
  'DELETE /ocx/perps/me/api-keys/:id': 'account',
}

const PAYLOADS: Record<string, object> = {
  'POST /ocx/auth/nonce': { walletAddress: '0x0000000000000000000000000000000000000001' },
  'POST /ocx/auth/siwe': { message: 'not a SIWE message', signature: `0x${'1'.repeat(130)}` },
  'POST /ocx/auth/redeem-invite': { code: 'no-such-invite' },
  'POST /ocx/perps/me/api-keys': { name: 'matrix', scope: 'read' },
}

describe('OCX access matrix: every OCX route against every credential', () => {
  let server: TestServer
  let credentials: Record<string, Record<string, string>>
  // A fresh server per route: logout ends the session the later credentials would use.
  beforeEach(async () => {
    server = await startTestServer()
    // Two sessions of one wallet: logging out with one leaves the other for the next credential.
    const wallet = newWallet()
    const signIn = async () =>
      (await ocxSession(ocxClient(server.app, { headers: OCX_ORIGIN }), wallet, server.clock.now())).value
    const [session, cookieSession] = [await signIn(), await signIn()]
    const bearer = { authorization: `Bearer ${session}` }
    const key = async (scope: string) =>
      (
        await server.app.inject({
          method: 'POST',
          url: '/ocx/perps/me/api-keys',
          headers: bearer,
          payload: { name: scope, scope },
        })
      ).json().secret as string
    const [read, trade] = [await key('read'), await key('trade')]
    credentials = {
      'read key (x-api-key)': { 'x-api-key': read },
      'read key (Bearer)': { authorization: `Bearer ${read}` },
      'trade key (x-api-key)': { 'x-api-key': trade },
      'trade key (Bearer)': { authorization: `Bearer ${trade}` },
      'a forged key': { 'x-api-key': `ocx_sk_${'A'.repeat(59)}` },
      'session (Bearer)': bearer,
      'session (cookie)': { cookie: `${OCX_COOKIE}=${cookieSession}`, ...OCX_ORIGIN },
    }
  })
  afterEach(() => server.close())

  const send = (route: string, headers: Record<string, string>) => {
    const [method, url] = route.split(' ') as [string, string]
    const payload = PAYLOADS[route]
    return server.app.inject({
      method: method as HTTPMethods,
      url: url.replace(':id', 'ocx_kid_nosuchkey0000000'),
      headers,
      ...(payload ? { payload } : {}),
    })
  }
  const label = (route: string, credential: string, response: LightMyRequestResponse) =>
    `${route} with ${credential}: ${response.statusCode} ${response.body}`
  const refusal = (response: LightMyRequestResponse) =>
    response.statusCode === 401 || response.statusCode === 403 || response.statusCode >= 500
  const errorOf = (response: LightMyRequestResponse) => (response.body ? response.json()?.error : undefined)

  it.for(Object.entries(OCX_ROUTES))('behavior: %s', async ([route, need]) => {
    const anonymous = await send(route, {})
    if (need === 'account') {
      expect([route, anonymous.statusCode]).toEqual([route, 401])
      if (!route.startsWith('HEAD')) expect(errorOf(anonymous)).toBe('CREDENTIAL_MISSING')
    } else expect(refusal(anonymous), label(route, 'nothing', anonymous)).toBe(false)
    if (route === 'GET /ocx/auth/me') expect(anonymous.json()).toBeNull()

    for (const [credential, headers] of Object.entries(credentials)) {
      const response = await send(route, headers)
      const isKey = credential.includes('key')
      if (need === 'account' && credential === 'a forged key') {
        expect([route, response.statusCode]).toEqual([route, 401])
      } else if (need === 'account' && isKey) {
        expect([route, response.statusCode]).toEqual([route, 403])
        if (!route.startsWith('HEAD')) expect(errorOf(response)).toBe('SCOPE_MISSING')
      } else {
        expect(refusal(response), label(route, credential, response)).toBe(false)
        expect(errorOf(response)).not.toBe('NOT_FOUND')
      }
    }
  })

  it('behavior: every OCX route is in the OpenAPI document, with security exactly on non-public ones', () => {
    const paths = server.app.swagger().paths ?? {}
    const documented: Record<string, boolean> = {}
    for (const [path, item] of Object.entries(paths)) {
      if (!path.startsWith('/ocx/')) continue
      for (const [method, operation] of Object.entries(item as Record<string, { security?: unknown[] }>)) {
        documented[`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`] =
          !!operation.security?.length
      }
    }
    const expected = Object.fromEntries(
      Object.entries(OCX_ROUTES)
        .filter(([route]) => !route.startsWith('HEAD'))
        .map(([route, need]) => [route, need !== 'public']),
    )
    expect(documented).toEqual(expected)
  })
})
