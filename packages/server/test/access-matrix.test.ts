import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../src/config.js'
import type { AuthErrorCode } from '../src/core/errors.js'
import type { Scope } from '../src/core/scopes.js'
import { CONSOLE_DIST } from '../src/http/console.js'
import { settingsOf } from '../src/http/dialects/define-dialect.js'
import { paradexError } from '../src/http/dialects/paradex/errors.js'
import { paradexDialect } from '../src/http/dialects/paradex/index.js'
import { createKey, type SignedIn, signedIn } from './support/api-keys.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { startUpstream, type Upstream } from './support/upstream-server.js'
import { signIn } from './support/wallet.js'

/**
 * Every route the app declares, read where Fastify announces it: an `onRoute` hook installed on
 * each new Fastify instance before buildApp registers anything (an `onRoute` hook added after the
 * build would never see the routes).
 */
const declared = vi.hoisted(() => ({ routes: [] as { route: string; auth: unknown }[] }))
vi.mock('fastify', async (importOriginal) => {
  const actual = await importOriginal<typeof import('fastify')>()
  const original = actual.default
  const withRouteCapture = ((options?: Parameters<typeof original>[0]) => {
    const app = original(options)
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        declared.routes.push({ route: `${method} ${route.url}`, auth: route.config?.auth })
      }
    })
    return app
  }) as typeof original
  return { ...actual, default: withRouteCapture, fastify: withRouteCapture }
})

/**
 * The reverse-proxy routes (Paradex's, and the root catch-all of `upstreamUrl`) exist only with an
 * upstream: every server of this file gets one, a real backend answering 200, so an allowed
 * proxied call is seen to go through.
 */
let upstream: Upstream
beforeAll(async () => {
  upstream = await startUpstream()
})
afterAll(() => upstream.close())
const startServer = (flags: Record<string, unknown> = {}) =>
  startTestServer({ 'paradex.upstreamUrl': upstream.url, upstreamUrl: upstream.url, ...flags })

type Need = 'public' | 'optional' | 'policy' | 'forwarded' | readonly Scope[]
const PUBLIC = 'public'
/** Decided per request by the route policy of the API that declares it (a proxy's catch-all). */
const POLICY = 'policy'
const OPTIONAL = 'optional'
/** Decided per request by `routePolicy` over the original request a forward-auth proxy states. */
const FORWARDED = 'forwarded'
const READ = ['read'] as const
const TRADE = ['trade'] as const
const ACCOUNT = ['account'] as const
/** Paradex subkey management: only a Paradex main-key JWT holds it (never a subkey's, never a key). */
const KEYS = ['keys'] as const

/**
 * THE access matrix: every route of the app, and what it needs. A route that is not listed here
 * fails this file; so does a route whose declaration differs. Add new routes here on purpose.
 */
const MATRIX: Record<string, Need> = {
  'GET /healthz': PUBLIC,
  'HEAD /healthz': PUBLIC,
  'GET /readyz': PUBLIC,
  'HEAD /readyz': PUBLIC,
  // Public to the auth hooks: its own guard (metricsAllowFrom, metricsToken) answers 404 to others.
  'GET /metrics': PUBLIC,
  'HEAD /metrics': PUBLIC,
  'GET /openapi.json': PUBLIC,
  'HEAD /openapi.json': PUBLIC,
  'GET /.well-known/jwks.json': PUBLIC,
  'HEAD /.well-known/jwks.json': PUBLIC,
  // The web console's static files (`console: on`); it signs in through the API like any client.
  'GET /console': PUBLIC,
  'HEAD /console': PUBLIC,
  'GET /console/*': PUBLIC,
  'HEAD /console/*': PUBLIC,
  'POST /v1/auth/nonce': PUBLIC,
  'POST /v1/auth/siwe': PUBLIC,
  'POST /v1/auth/refresh': PUBLIC,
  'GET /v1/auth/me': READ,
  'HEAD /v1/auth/me': READ,
  'GET /v1/auth/audit': ACCOUNT,
  'HEAD /v1/auth/audit': ACCOUNT,
  'POST /v1/auth/logout': ACCOUNT,
  'POST /v1/auth/logout-all': ACCOUNT,
  'POST /v1/auth/redeem-invite': ACCOUNT,
  'GET /v1/auth/sessions': ACCOUNT,
  'HEAD /v1/auth/sessions': ACCOUNT,
  'GET /v1/auth/sessions/': ACCOUNT,
  'HEAD /v1/auth/sessions/': ACCOUNT,
  'DELETE /v1/auth/sessions/:id': ACCOUNT,
  'POST /v1/api-keys': ACCOUNT,
  // Agent keys: a wallet's EIP-712 signature is the credential (docs/signed-requests.md).
  'POST /v1/agent-keys': PUBLIC,
  'POST /v1/agent-keys/': PUBLIC,
  'POST /v1/agent-keys/revoke': PUBLIC,
  'POST /v1/api-keys/': ACCOUNT,
  'GET /v1/api-keys': ACCOUNT,
  'HEAD /v1/api-keys': ACCOUNT,
  'GET /v1/api-keys/': ACCOUNT,
  'HEAD /v1/api-keys/': ACCOUNT,
  'DELETE /v1/api-keys/:id': ACCOUNT,
  'POST /v1/api-keys/:id/rotate': ACCOUNT,
  // The native WebSocket upgrade (authentication is its `auth` message); a plain GET is 426.
  'GET /v1/ws': PUBLIC,
  'HEAD /v1/ws': PUBLIC,
  'GET /v1/verify/read': READ,
  'HEAD /v1/verify/read': READ,
  'GET /v1/verify/trade': TRADE,
  'HEAD /v1/verify/trade': TRADE,
  // Forward auth: any method (nginx GETs, Envoy keeps the client's); the forwarded headers decide.
  'GET /v1/verify': FORWARDED,
  'HEAD /v1/verify': FORWARDED,
  'POST /v1/verify': FORWARDED,
  'PUT /v1/verify': FORWARDED,
  'PATCH /v1/verify': FORWARDED,
  'DELETE /v1/verify': FORWARDED,
  'OPTIONS /v1/verify': FORWARDED,
  // The same for Envoy's ext_authz, which appends the original path to its path_prefix.
  'GET /v1/verify/*': FORWARDED,
  'HEAD /v1/verify/*': FORWARDED,
  'POST /v1/verify/*': FORWARDED,
  'PUT /v1/verify/*': FORWARDED,
  'PATCH /v1/verify/*': FORWARDED,
  'DELETE /v1/verify/*': FORWARDED,
  'OPTIONS /v1/verify/*': FORWARDED,
  'GET /evedex/auth/nonce': PUBLIC,
  'HEAD /evedex/auth/nonce': PUBLIC,
  'POST /evedex/auth/user/sign-up': PUBLIC,
  'POST /evedex/auth/refresh': PUBLIC,
  'GET /evedex/auth/user/me': READ,
  'HEAD /evedex/auth/user/me': READ,
  'POST /evedex/auth/user/logout': ACCOUNT,
  'GET /evedex/auth/user/sessions': ACCOUNT,
  'HEAD /evedex/auth/user/sessions': ACCOUNT,
  'POST /evedex/auth/api-key': ACCOUNT,
  'GET /evedex/auth/api-key': ACCOUNT,
  'HEAD /evedex/auth/api-key': ACCOUNT,
  'DELETE /evedex/auth/api-key/:id': ACCOUNT,
  'PUT /evedex/auth/api-key/:id/regenerate': ACCOUNT,
  'POST /ocx/auth/nonce': PUBLIC,
  'POST /ocx/auth/siwe': PUBLIC,
  'GET /ocx/auth/me': OPTIONAL,
  'HEAD /ocx/auth/me': OPTIONAL,
  'POST /ocx/auth/logout': ACCOUNT,
  'POST /ocx/auth/redeem-invite': ACCOUNT,
  'GET /ocx/perps/me/api-keys': ACCOUNT,
  'HEAD /ocx/perps/me/api-keys': ACCOUNT,
  'POST /ocx/perps/me/api-keys': ACCOUNT,
  'DELETE /ocx/perps/me/api-keys/:id': ACCOUNT,
  'GET /paradex/v1/system/config': PUBLIC,
  'HEAD /paradex/v1/system/config': PUBLIC,
  'POST /paradex/v1/onboarding': PUBLIC,
  'GET /paradex/v1/onboarding': PUBLIC,
  'HEAD /paradex/v1/onboarding': PUBLIC,
  'POST /paradex/v1/auth': PUBLIC,
  'POST /paradex/v1/auth/:publicKey': PUBLIC,
  // The WebSocket upgrade (authentication is its `auth` message); a plain GET is 426.
  'GET /paradex/v1': PUBLIC,
  'HEAD /paradex/v1': PUBLIC,
  // Reverse-proxy mode (paradex.upstreamUrl): what Sigil does not serve under /v1 goes upstream.
  'GET /paradex/v1/*': POLICY,
  'HEAD /paradex/v1/*': POLICY,
  'POST /paradex/v1/*': POLICY,
  'PUT /paradex/v1/*': POLICY,
  'PATCH /paradex/v1/*': POLICY,
  'DELETE /paradex/v1/*': POLICY,
  'POST /paradex/v2/onboarding': PUBLIC,
  'POST /paradex/v2/auth': PUBLIC,
  'POST /paradex/v1/v2/onboarding': PUBLIC,
  'POST /paradex/v1/v2/auth': PUBLIC,
  'GET /paradex/v1/account/keys/subkeys': KEYS,
  'HEAD /paradex/v1/account/keys/subkeys': KEYS,
  'POST /paradex/v1/account/keys/subkeys': KEYS,
  'POST /paradex/v1/account/keys/subkeys/activate': KEYS,
  'GET /paradex/v1/account/keys/subkeys/:publicKey': KEYS,
  'HEAD /paradex/v1/account/keys/subkeys/:publicKey': KEYS,
  'PUT /paradex/v1/account/keys/subkeys/:publicKey': KEYS,
  'DELETE /paradex/v1/account/keys/subkeys/:publicKey': KEYS,
  'PUT /paradex/v1/account/keys/subkeys/:publicKey/allowed-cidrs': KEYS,
  'GET /paradex/v1/jwks.json': PUBLIC,
  'HEAD /paradex/v1/jwks.json': PUBLIC,
  // Reverse-proxy mode (upstreamUrl): whatever no route above serves goes upstream, per routePolicy.
  'GET /*': POLICY,
  'HEAD /*': POLICY,
  'POST /*': POLICY,
  'PUT /*': POLICY,
  'PATCH /*': POLICY,
  'DELETE /*': POLICY,
  'OPTIONS /*': POLICY,
}
/** Routes kept out of the OpenAPI document (`schema.hide`). */
const HIDDEN = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /openapi.json',
  'GET /paradex/v1',
  'GET /v1/ws',
  'GET /console',
  'GET /console/*',
]
// The backend's surface is its own: the proxied catch-all is not in Sigil's document.
HIDDEN.push(...['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => `${method} /paradex/v1/*`))
HIDDEN.push(...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((method) => `${method} /*`))
// Envoy's form of the verify endpoint is documented as /v1/verify.
HIDDEN.push(...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((method) => `${method} /v1/verify/*`))
/**
 * What every request meets, live: the declared routes, with the proxies' catch-alls replaced by what
 * their route policy decides (paradexUpstreamPolicy): the default public market data (the
 * paradex.upstreamPublicPaths) anonymous, other reads `read`, the rest `trade`; the root one
 * without a routePolicy: reads `read`, the rest `trade`.
 */
const LIVE: Record<string, Exclude<Need, 'policy' | 'forwarded'>> = {
  ...(Object.fromEntries(
    Object.entries(MATRIX).filter(([, need]) => need !== POLICY && need !== FORWARDED),
  ) as Record<string, Exclude<Need, 'policy' | 'forwarded'>>),
  'GET /paradex/v1/*': READ,
  'HEAD /paradex/v1/*': READ,
  'POST /paradex/v1/*': TRADE,
  'PUT /paradex/v1/*': TRADE,
  'PATCH /paradex/v1/*': TRADE,
  'DELETE /paradex/v1/*': TRADE,
  // The root catch-all without a routePolicy: decideAccess(undefined).
  'GET /*': READ,
  'HEAD /*': READ,
  'OPTIONS /*': READ,
  'POST /*': TRADE,
  'PUT /*': TRADE,
  'PATCH /*': TRADE,
  'DELETE /*': TRADE,
  // Without a routePolicy (requestFor states the route's own method as the original one).
  'GET /v1/verify': READ,
  'HEAD /v1/verify': READ,
  'OPTIONS /v1/verify': READ,
  'POST /v1/verify': TRADE,
  'PUT /v1/verify': TRADE,
  'PATCH /v1/verify': TRADE,
  'DELETE /v1/verify': TRADE,
  'GET /v1/verify/*': READ,
  'HEAD /v1/verify/*': READ,
  'OPTIONS /v1/verify/*': READ,
  'POST /v1/verify/*': TRADE,
  'PUT /v1/verify/*': TRADE,
  'PATCH /v1/verify/*': TRADE,
  'DELETE /v1/verify/*': TRADE,
}
for (const path of settingsOf(loadConfig(), paradexDialect).upstreamPublicPaths) {
  const route = `/paradex/v1/${path.replace(/\{([a-z_]+)\}/g, ':$1')}`
  LIVE[`GET ${route}`] = PUBLIC
  LIVE[`HEAD ${route}`] = PUBLIC
}

/** `app.printRoutes()` tree → `METHOD /url` for every route the router holds. */
function routesOfTree(tree: string): string[] {
  const out: string[] = []
  const stack: string[] = []
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/u.exec(line)
    if (!match) continue
    const depth = match[1]!.length / 4
    stack.length = depth
    stack.push(match[2]!)
    for (const method of match[3]?.split(', ') ?? []) out.push(`${method} ${stack.join('')}`)
  }
  return out
}

const normalise = (auth: unknown): Need | undefined =>
  auth === 'public' || auth === 'optional'
    ? auth
    : typeof auth === 'object' && auth !== null && 'policy' in auth
      ? POLICY
      : typeof auth === 'object' && auth !== null && 'forwarded' in auth
        ? FORWARDED
        : (auth as { scopes?: readonly Scope[] } | undefined)?.scopes

describe('access matrix: the route table', () => {
  let server: TestServer
  beforeEach(async () => {
    declared.routes = []
    server = await startServer()
    await server.app.ready()
  })
  afterEach(() => server.close())

  it('behavior: the router holds exactly the routes of the matrix (a new route fails here)', () => {
    const routes = routesOfTree(server.app.printRoutes())
    expect(routes.length).toBeGreaterThan(20)
    expect(new Set(routes).size).toBe(routes.length)
    expect(routes.sort()).toEqual(Object.keys(MATRIX).sort())
  })

  it('behavior: the check is live: a route the matrix does not list shows up as extra', async () => {
    const other = await startServer()
    try {
      other.app.get('/v1/orders', { config: { auth: { scopes: ['trade'] } } }, async () => ({}))
      await other.app.ready()
      const routes = routesOfTree(other.app.printRoutes())
      expect(routes.filter((route) => !(route in MATRIX))).toEqual(['GET /v1/orders', 'HEAD /v1/orders'])
      expect(declared.routes.map((r) => r.route)).toContain('GET /v1/orders')
    } finally {
      await other.close()
    }
  })

  it('behavior: every route declares the requirement the matrix gives it', () => {
    const seen = Object.fromEntries(declared.routes.map(({ route, auth }) => [route, normalise(auth)]))
    expect(declared.routes).toHaveLength(Object.keys(seen).length)
    for (const route of Object.keys(seen)) expect(Object.keys(MATRIX)).toContain(route)
    // A prefixed '/' route is announced once (as '/prefix') and routed at '/prefix' and '/prefix/'
    // with the same options: the twin inherits the declaration.
    const effective = Object.fromEntries(
      Object.keys(MATRIX).map((route) => [
        route,
        route in seen ? seen[route] : seen[route.replace(/\/$/, '')],
      ]),
    )
    expect(effective).toEqual(MATRIX)
  })

  it('behavior: the OpenAPI document lists every route but the hidden ones, with security exactly on protected ones', () => {
    const paths = server.app.swagger().paths ?? {}
    const documented = new Map<string, boolean>()
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, { security?: unknown[] }>)) {
        documented.set(
          `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
          !!operation.security?.length,
        )
      }
    }
    // Swagger folds '/prefix' and '/prefix/' into one path and leaves HEAD out.
    const expected = new Map<string, boolean>()
    for (const [route, need] of Object.entries(MATRIX)) {
      if (route.startsWith('HEAD ') || HIDDEN.includes(route)) continue
      const [method, url] = route.split(' ') as [string, string]
      const path = `${method} ${url}/` in MATRIX ? `${url}/` : url
      expected.set(`${method} ${path}`, need !== PUBLIC)
    }
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(expected))
  })
})

/** The credentials a caller can hold, and the scopes each one carries. */
type CredentialName =
  | 'read key (x-api-key)'
  | 'read key (Bearer)'
  | 'trade key (x-api-key)'
  | 'trade key (Bearer)'
  | 'JWT'
const HOLDS: Record<CredentialName, readonly Scope[]> = {
  'read key (x-api-key)': ['read'],
  'read key (Bearer)': ['read'],
  'trade key (x-api-key)': ['read', 'trade'],
  'trade key (Bearer)': ['read', 'trade'],
  // Last: a JWT passes the account routes, some of which end its own session.
  JWT: ['read', 'trade', 'account'],
}

interface Fixture {
  account: SignedIn
  headers: Record<CredentialName, Record<string, string>>
  targetKeyId: string
  freshRefreshToken(): Promise<string>
}

async function fixture(server: TestServer): Promise<Fixture> {
  const account = await signedIn(server)
  const read = await createKey(server, account, { name: 'read', scope: 'read' })
  const trade = await createKey(server, account, { name: 'trade', scope: 'trade' })
  const target = await createKey(server, account, { name: 'target', scope: 'read' })
  return {
    account,
    targetKeyId: target.id,
    headers: {
      'read key (x-api-key)': { 'x-api-key': read.secret },
      'read key (Bearer)': { authorization: `Bearer ${read.secret}` },
      'trade key (x-api-key)': { 'x-api-key': trade.secret },
      'trade key (Bearer)': { authorization: `Bearer ${trade.secret}` },
      JWT: account.headers,
    },
    async freshRefreshToken() {
      return (await signIn(server.app, account.wallet, server.clock.now())).json().refreshToken
    },
  }
}

const agentAuthorizationPayload = {
  authorization: {
    domain: { name: 'Sigil', version: '1', chainId: 1 },
    message: {
      origin: 'x',
      wallet: 'x',
      agentKey: 'x',
      keyName: 'x',
      scope: 'account',
      nonce: 'x',
      issuedAt: 'x',
      expiresAt: 'x',
    },
  },
  publicKey: {},
  signature: `0x${'1'.repeat(130)}`,
}

/** A plausible request for each route, so an allowed call reaches its handler. */
async function requestFor(
  route: string,
  f: Fixture,
): Promise<{ method: string; url: string; payload?: unknown; headers?: Record<string, string> }> {
  const [method, pattern] = route.split(' ') as [string, string]
  const keyId = pattern.startsWith('/ocx/') ? `ocx_kid_${f.targetKeyId}` : f.targetKeyId
  // The console's catch-all serves its files: the page itself (built by `npm run build`).
  const url =
    pattern === '/console/*'
      ? '/console/'
      : pattern
          .replace(':id', pattern.includes('api-keys') ? keyId : 'no-such-session')
          .replace('/*', '/orders')
  const payloads: Record<string, () => Promise<unknown> | unknown> = {
    'POST /v1/auth/nonce': () => ({}),
    'POST /v1/auth/siwe': () => ({ message: 'not a SIWE message', signature: `0x${'1'.repeat(130)}` }),
    'POST /v1/auth/refresh': async () => ({ refreshToken: await f.freshRefreshToken() }),
    'POST /v1/auth/redeem-invite': () => ({ code: 'no-such-invite' }),
    'POST /v1/api-keys': () => ({ name: 'matrix', scope: 'read' }),
    'POST /v1/api-keys/': () => ({ name: 'matrix', scope: 'read' }),
    'POST /v1/api-keys/:id/rotate': () => ({}),
    // Well-formed, refused for its scope (400) before any nonce or signature work.
    'POST /v1/agent-keys': () => agentAuthorizationPayload,
    'POST /v1/agent-keys/': () => agentAuthorizationPayload,
    'POST /v1/agent-keys/revoke': () => ({
      revocation: {
        domain: agentAuthorizationPayload.authorization.domain,
        message: { origin: 'x', wallet: 'x', keyId: 'x', nonce: 'x', issuedAt: 'x' },
      },
      signature: `0x${'1'.repeat(130)}`,
    }),
    'POST /ocx/auth/redeem-invite': () => ({ code: 'no-such-invite' }),
    'POST /ocx/perps/me/api-keys': () => ({ name: 'matrix', scope: 'read' }),
  }
  // Routes whose input is itself a header: it wins over the credential headers of the call.
  const ownHeaders: Record<string, () => Promise<Record<string, string>>> = {
    'POST /evedex/auth/refresh': async () => ({ authorization: `Bearer ${await f.freshRefreshToken()}` }),
  }
  // The verify endpoint asks about the request a proxy states: here one of the route's own method.
  if (pattern === '/v1/verify' || pattern === '/v1/verify/*')
    ownHeaders[route] = async () => ({ 'x-forwarded-method': method, 'x-forwarded-uri': '/orders' })
  const payload = await payloads[route]?.()
  const headers = await ownHeaders[route]?.()
  return { method, url, ...(payload === undefined ? {} : { payload }), ...(headers ? { headers } : {}) }
}

const send = (
  app: FastifyInstance,
  request: { method: string; url: string; payload?: unknown; headers?: Record<string, string> },
  headers: Record<string, string>,
) => app.inject({ ...request, headers: { ...headers, ...request.headers } } as InjectOptions)

// Native problems carry `code`; dialect bodies (OCX `{error, message}`) their own field.
const codeOf = (response: LightMyRequestResponse) =>
  response.body && response.headers['content-type']?.toString().includes('json')
    ? (response.json()?.code ?? response.json()?.error)
    : undefined

/** Reached the handler: no credential or authorization refusal, no fault, and the route existed. */
function expectNotRefused(label: string, response: LightMyRequestResponse) {
  expect([
    label,
    response.statusCode === 401 || response.statusCode === 403 || response.statusCode >= 500,
  ]).toEqual([label, false])
}

function expectAllowed(label: string, response: LightMyRequestResponse) {
  expectNotRefused(label, response)
  expect([label, codeOf(response)]).not.toEqual([label, 'NOT_FOUND'])
}

function expectRefused(label: string, response: LightMyRequestResponse, status: number, code: AuthErrorCode) {
  expect([label, response.statusCode]).toEqual([label, status])
  // Paradex bodies name a refusal in Paradex's enum (the code ccxt branches on).
  const sent = label.includes(' /paradex/') ? paradexError(code)[1].error : code
  // A HEAD answer has no body to read a code from.
  if (!label.startsWith('HEAD ')) expect([label, codeOf(response)]).toEqual([label, sent])
}

describe('access matrix: every route against every credential', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startServer()
  })
  afterEach(() => server.close())

  const protectedRoutes = Object.entries(LIVE).filter(([, need]) => need !== PUBLIC && need !== OPTIONAL) as [
    string,
    readonly Scope[],
  ][]
  // `optional` routes answer anyone like public ones (OCX /auth/me: null when anonymous).
  const publicRoutes = Object.keys(LIVE).filter((route) => LIVE[route] === PUBLIC || LIVE[route] === OPTIONAL)

  // Cookie sessions on unsafe methods (CSRF) are covered by the cookie tests.
  it.for(protectedRoutes)(
    'behavior: %s — none 401, keys and JWT 403 or through per the matrix',
    async ([route, needs]) => {
      const f = await fixture(server)
      const anonymous = await send(server.app, await requestFor(route, f), {})
      expectRefused(route, anonymous, 401, 'CREDENTIAL_MISSING')
      if (route.includes(' /v1/') && !route.startsWith('HEAD '))
        expect(anonymous.headers['www-authenticate']).toBe('Bearer')

      for (const [credential, holds] of Object.entries(HOLDS) as [CredentialName, readonly Scope[]][]) {
        const label = `${route} with ${credential}`
        const response = await send(server.app, await requestFor(route, f), f.headers[credential])
        if (needs.every((scope) => holds.includes(scope))) expectAllowed(label, response)
        else expectRefused(label, response, 403, 'SCOPE_MISSING')
      }
    },
  )

  it.for(publicRoutes)(
    'behavior: %s — public: no credential needed, and a bad one is ignored',
    async (route) => {
      const f = await fixture(server)
      // A checkout where `npm run build` has not made the console: its routes answer 404 by design.
      const unbuiltConsole = route.includes(' /console') && !existsSync(join(CONSOLE_DIST, 'index.html'))
      const allowed = unbuiltConsole ? expectNotRefused : expectAllowed
      allowed(`${route} anonymous`, await send(server.app, await requestFor(route, f), {}))
      const bad = { 'x-api-key': `sgl_sk_${'A'.repeat(59)}`, authorization: 'Bearer not.a.jwt' }
      allowed(`${route} with bad credentials`, await send(server.app, await requestFor(route, f), bad))
    },
  )

  it('behavior: a pending account (invites required): its JWT reads and manages, and gets 403 INVITE_REQUIRED on trade routes', async () => {
    await server.close()
    server = await startServer({ invitesRequired: true })
    for (const [route, needs] of protectedRoutes) {
      const account = await signedIn(server)
      const target = await createKey(server, account, { name: 'target', scope: 'read' })
      const f: Fixture = {
        account,
        targetKeyId: target.id,
        headers: {} as Fixture['headers'],
        freshRefreshToken: async () => '',
      }
      const response = await send(server.app, await requestFor(route, f), account.headers)
      if (needs.includes('trade')) expectRefused(route, response, 403, 'INVITE_REQUIRED')
      else if (needs.includes('keys')) expectRefused(route, response, 403, 'SCOPE_MISSING')
      else expectAllowed(`${route} with a pending JWT`, response)
    }
  })

  it('behavior: policy: every credential-management route needs `account` (never held by a key); trading needs `trade`', () => {
    // Guards the matrix itself: relaxing a route in the code AND here still fails.
    const management = Object.keys(MATRIX).filter((route) =>
      /^[A-Z]+ \/v1\/(api-keys|auth\/(sessions|logout|redeem-invite))/.test(route),
    )
    expect(management).toHaveLength(16)
    for (const route of management) expect([route, MATRIX[route]]).toEqual([route, ACCOUNT])
    for (const route of ['GET /v1/verify/trade', 'HEAD /v1/verify/trade'])
      expect(MATRIX[route]).toEqual(TRADE)
  })
})
