import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { eventually } from './support/eventually.js'
import { createPostgresDatabase } from './support/postgres.js'
import { deleteRedisPrefix, testRedisUrl, uniqueRedisPrefix } from './support/redis.js'
import { SIGIL_BIN, type SigilProcess, startSigilProcess } from './support/sigil-process.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet, signedSiwe } from './support/wallet.js'

/**
 * Three `sigil serve` processes sharing one PostgreSQL database and one Redis, as replicas behind a
 * load balancer: every guarantee of one process holds across them. Propagation times are printed.
 */
describe('three replicas (real processes) over one PostgreSQL and one Redis', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>
  let prefix: string
  let env: NodeJS.ProcessEnv
  const replicas: SigilProcess[] = []
  const at = (i: number) => replicas[i % replicas.length]!.url

  beforeAll(async () => {
    database = await createPostgresDatabase()
    prefix = uniqueRedisPrefix()
    env = {
      SIGIL_DATABASE_URL: database.url,
      SIGIL_REDIS_URL: testRedisUrl(),
      SIGIL_REDIS_KEY_PREFIX: prefix,
      SIGIL_RATE_LIMIT_ANONYMOUS_PER_MINUTE: '30',
    }
    const migrated = spawnSync(process.execPath, [SIGIL_BIN, 'migrate'], {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    })
    expect([migrated.status, migrated.stderr]).toEqual([0, ''])
    replicas.push(...(await Promise.all([0, 1, 2].map(() => startSigilProcess(env)))))
  }, 60_000)

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()))
    await deleteRedisPrefix(testRedisUrl(), prefix)
    await database?.drop()
  })

  const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
  const get = (base: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers })
  const signedMessage = async (base: string, wallet = newWallet()) => {
    const { nonce, domain, uri, scheme } = (await (await post(base, '/v1/auth/nonce', {})).json()) as {
      nonce: string
      domain: string
      uri: string
      scheme: string
    }
    return signedSiwe(wallet, { nonce, domain, uri, scheme, statement: null }, Date.now())
  }
  const signIn = async (base: string, wallet = newWallet()) => {
    const response = await post(at(1), '/v1/auth/siwe', await signedMessage(base, wallet))
    expect(response.status).toBe(200)
    return (await response.json()) as { accessToken: string; refreshToken: string; account: { id: string } }
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

  it('behavior: a nonce minted on A signs in once on B; its replay on C is NONCE_USED', async () => {
    const signed = await signedMessage(at(0))
    expect((await post(at(1), '/v1/auth/siwe', signed)).status).toBe(200)
    const replay = await post(at(2), '/v1/auth/siwe', signed)
    expect([replay.status, ((await replay.json()) as { code: string }).code]).toEqual([401, 'NONCE_USED'])
  })

  it('attack: 20 concurrent sign-ins with one nonce, spread over the three replicas: exactly one succeeds', async () => {
    const signed = await signedMessage(at(0))
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(at(i), '/v1/auth/siwe', signed)),
    )
    const statuses = responses.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(statuses.filter((s) => s === 401)).toHaveLength(19)
  })

  it('behavior: logout on A ends the access token on B within one second', async () => {
    const { accessToken } = await signIn(at(0))
    expect((await get(at(1), '/v1/auth/me', bearer(accessToken))).status).toBe(200)
    expect((await post(at(0), '/v1/auth/logout', undefined, bearer(accessToken))).status).toBe(204)
    const ms = await eventually(
      1000,
      async () => (await get(at(1), '/v1/auth/me', bearer(accessToken))).status === 401,
    )
    console.info(`logout on A refused on B after ${ms} ms`)
  })

  it('behavior: an API key revoked on A is refused on B within one second', async () => {
    const { accessToken } = await signIn(at(0))
    const created = await post(at(0), '/v1/api-keys', { name: 'bot', scope: 'read' }, bearer(accessToken))
    expect(created.status).toBe(201)
    const { id, secret } = (await created.json()) as { id: string; secret: string }
    expect((await get(at(1), '/v1/auth/me', { 'x-api-key': secret })).status).toBe(200)
    const revoked = await fetch(`${at(0)}/v1/api-keys/${id}`, {
      method: 'DELETE',
      headers: bearer(accessToken),
    })
    expect(revoked.status).toBe(204)
    const ms = await eventually(
      1000,
      async () => (await get(at(1), '/v1/auth/me', { 'x-api-key': secret })).status === 401,
    )
    console.info(`API key revoked on A refused on B after ${ms} ms`)
  })

  it('attack: a refresh token rotated on B and presented again on A revokes the family everywhere', async () => {
    const first = await signIn(at(0))
    const rotated = await post(at(1), '/v1/auth/refresh', { refreshToken: first.refreshToken })
    expect(rotated.status).toBe(200)
    const next = (await rotated.json()) as { accessToken: string; refreshToken: string }
    // Within the reuse interval (two tabs at once), another replica answers the same successor.
    const replay = await post(at(0), '/v1/auth/refresh', { refreshToken: first.refreshToken })
    expect(replay.status).toBe(200)
    expect(((await replay.json()) as { refreshToken: string }).refreshToken).toBe(next.refreshToken)
    // Once the successor has been used, presenting the first token again is reuse, interval or not.
    const third = await post(at(2), '/v1/auth/refresh', { refreshToken: next.refreshToken })
    expect(third.status).toBe(200)
    const thirdPair = (await third.json()) as { accessToken: string; refreshToken: string }
    const reuse = await post(at(0), '/v1/auth/refresh', { refreshToken: first.refreshToken })
    expect([reuse.status, ((await reuse.json()) as { code: string }).code]).toEqual([
      401,
      'REFRESH_TOKEN_REUSED',
    ])
    expect((await post(at(2), '/v1/auth/refresh', { refreshToken: thirdPair.refreshToken })).status).toBe(401)
    const ms = await eventually(
      1000,
      async () => (await get(at(2), '/v1/auth/me', bearer(next.accessToken))).status === 401,
    )
    console.info(`family revoked on A refused on C after ${ms} ms`)
  })

  it('behavior: rate-limit budgets are shared: each replica counts down the one anonymous budget, then all answer 429', async () => {
    // The `RateLimit` field says what is left of the client's budget (earlier tests spent some).
    const remaining = (response: Response) =>
      Number(/;r=(\d+)/.exec(response.headers.get('ratelimit') ?? '')?.[1])
    const left: number[] = []
    for (let i = 0; ; i++) {
      const response = await get(at(i), '/v1/auth/me')
      if (response.status === 429) break
      left.push(remaining(response))
      if (i > 40) throw new Error('never limited')
    }
    // One budget, whichever replica answers: it goes down by exactly one per request.
    expect(left.length).toBeGreaterThan(3)
    expect(left).toEqual(left.map((_, i) => left[0]! - i))
    for (let i = 0; i < 3; i++) expect((await get(at(i), '/v1/auth/me')).status).toBe(429)
  })

  it('behavior: a private push published by another replica reaches the account’s WebSocket on B', async () => {
    let publisher: TestServer | undefined
    const socket = new WebSocket(`${at(1).replace('http', 'ws')}/paradex/v1`)
    const opened = new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
    try {
      const { accessToken, account } = await signIn(at(0))
      await opened
      const frames: Record<string, unknown>[] = []
      socket.on('message', (data) => frames.push(JSON.parse(String(data))))
      const call = async (id: number, method: string, params: unknown) => {
        socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
        await eventually(2000, async () => frames.some((f) => f.id === id))
        return frames.find((f) => f.id === id)!
      }
      expect(await call(1, 'auth', { bearer: accessToken })).toHaveProperty('result')
      expect(await call(2, 'subscribe', { channel: 'orders.ALL' })).toHaveProperty('result')
      // Another replica of the same deployment (in this process): its hub publishes through Redis.
      publisher = await startTestServer({
        databaseUrl: database.url,
        redisUrl: testRedisUrl(),
        redisKeyPrefix: prefix,
        publicUrl: 'http://localhost:9',
      })
      const order = { id: 'o-1', market: 'BTC-USD-PERP' }
      await publisher.gateway.publishHub.publish({
        channel: 'orders.BTC-USD-PERP',
        data: order,
        accountId: account.id,
      })
      const ms = await eventually(1000, async () => frames.some((f) => f.method === 'subscription'))
      expect(frames.find((f) => f.method === 'subscription')).toMatchObject({
        params: { channel: 'orders.ALL', data: order },
      })
      console.info(`push published on another replica delivered on B after ${ms} ms`)
    } finally {
      socket.close()
      await publisher?.close()
    }
  })
})
