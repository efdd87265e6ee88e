import { generateSigningKey, importSigningKey, signAccessToken } from '@sigil/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { storedSigningKey } from './support/access-tokens.js'
import { signedIn } from './support/api-keys.js'
import { decodeJwt } from './support/paradex-client.js'
import { A1, A2 } from './support/paradex-vectors.js'
import {
  auth,
  connect,
  listenParadex,
  mintedJwt,
  paradexJwt,
  subscribe,
  unsubscribe,
  type WsClient,
} from './support/paradex-ws.js'
import type { TestServer } from './support/test-server.js'

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

describe('Paradex WebSocket: auth', () => {
  let server: TestServer
  let url: string
  const clients: WsClient[] = []
  const open = async () => {
    const client = await connect(url)
    clients.push(client)
    return client
  }
  beforeEach(async () => {
    ;({ server, ws: url } = await listenParadex())
  })
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    await server.close()
  })

  it('behavior: a Paradex JWT from /v1/auth authenticates; the reply echoes a numeric id and carries node_id and timings', async () => {
    const client = await open()
    const reply = await auth(client, await paradexJwt(server), 1)
    expect(reply).toEqual({
      jsonrpc: '2.0',
      result: { node_id: expect.stringMatching(/^[0-9a-f]{16}$/) },
      usIn: expect.any(Number),
      usDiff: expect.any(Number),
      id: 1,
    })
    expect(reply.usIn).toBeGreaterThan(1_600_000_000_000_000)
  })

  it('behavior: the id comes back with its type unchanged: a string stays a string, a µs number stays that number', async () => {
    const jwt = await paradexJwt(server)
    const client = await open()
    expect((await auth(client, jwt, '1718179273230201')).id).toBe('1718179273230201')
    expect((await auth(client, jwt, 1718179273230201)).id).toBe(1718179273230201)
    const raw = await client.call(`{"jsonrpc":"2.0","id":"7","method":"auth","params":{"bearer":"${jwt}"}}`)
    expect(raw.id).toBe('7')
  })

  it.for([
    ['no bearer', {}],
    ['a number', { bearer: 42 }],
    ['null', { bearer: null }],
    ['not JWT-shaped', { bearer: 'not-a-jwt' }],
    ['two segments', { bearer: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0' }],
    ['an API key', { bearer: `sgl_sk_${'A'.repeat(59)}` }],
    ['"Bearer <jwt>"', { bearer: 'Bearer a.b.c' }],
    ['too long', { bearer: `${'a'.repeat(9000)}.b.c` }],
  ] as const)('behavior: %s is 40110 Malformed Bearer Token', async ([, params]) => {
    const client = await open()
    const reply = await client.call({ jsonrpc: '2.0', id: 3, method: 'auth', params })
    expect(reply).toMatchObject({
      jsonrpc: '2.0',
      error: { code: 40110, message: 'Malformed Bearer Token' },
      id: 3,
      usIn: expect.any(Number),
      usOut: expect.any(Number),
      usDiff: expect.any(Number),
    })
    expect(reply).not.toHaveProperty('result')
  })

  it('behavior: params that are not an object are -32602 (invalid params), not a bearer error', async () => {
    const client = await open()
    expect(await client.call({ jsonrpc: '2.0', id: 4, method: 'auth' })).toMatchObject({
      error: { code: -32602 },
      id: 4,
    })
    expect(await client.call({ jsonrpc: '2.0', id: 5, method: 'auth', params: ['x.y.z'] })).toMatchObject({
      error: { code: -32602 },
      id: 5,
    })
  })

  describe('40111 Invalid Bearer Token', () => {
    const expectInvalid = async (bearer: string, data?: string) => {
      const client = await open()
      const reply = await auth(client, bearer, 9)
      expect(reply).toMatchObject({ error: { code: 40111, message: 'Invalid Bearer Token' }, id: 9 })
      if (data) expect(reply.error.data).toBe(data)
      // Refused means refused: a private channel is still closed to this socket.
      expect((await subscribe(client, 'orders.ALL')).error.code).toBe(40110)
    }

    it('behavior: a token signed by another key under our kid', async () => {
      const jwt = await paradexJwt(server)
      const stranger = await importSigningKey(await generateSigningKey('ES256'))
      const { kid } = await storedSigningKey(server)
      const forged = await signAccessToken(decodeJwt(jwt) as never, { ...stranger, kid })
      expect(forged.split('.')[1]).toBe(jwt.split('.')[1])
      await expectInvalid(forged, 'The access token is not valid')
    })

    it('behavior: alg none (our own claims, no signature)', async () => {
      const jwt = await paradexJwt(server)
      const { kid } = await storedSigningKey(server)
      await expectInvalid(`${b64({ alg: 'none', typ: 'at+jwt', kid })}.${jwt.split('.')[1]}.`)
    })

    it('behavior: a genuine signature over another audience', async () => {
      const claims = {
        ...(decodeJwt(await paradexJwt(server)) as never as object),
        aud: 'https://other.example',
      }
      const token = await signAccessToken(claims as never, await storedSigningKey(server))
      await expectInvalid(token, 'The access token is not valid')
    })

    it('behavior: an expired token', async () => {
      const jwt = await paradexJwt(server)
      server.clock.advance((300 + server.config.jwtClockToleranceSeconds + 1) * 1000)
      await expectInvalid(jwt, 'The access token has expired')
    })

    it('behavior: the token of a session that logged out', async () => {
      const account = await signedIn(server)
      const logout = await server.app.inject({
        method: 'POST',
        url: '/v1/auth/logout',
        headers: account.headers,
      })
      expect(logout.statusCode).toBeLessThan(300)
      await expectInvalid(account.accessToken, 'The session has been revoked')
    })

    it('behavior: a valid token without the read scope', async () => {
      await expectInvalid(await mintedJwt(server, A2.account, { scopes: ['trade'] }), 'the token cannot read')
    })
  })

  it('behavior: a native SIWE JWT works too (one account model): the socket acts for that account', async () => {
    const account = await signedIn(server)
    const client = await open()
    expect((await auth(client, account.accessToken)).result.node_id).toBeTypeOf('string')
    expect((await subscribe(client, 'positions')).result).toEqual({ channel: 'positions' })
    await server.gateway.publishHub.publish({
      channel: 'positions',
      data: { n: 1 },
      accountId: account.accountId,
    })
    expect((await client.next()).params).toEqual({ channel: 'positions', data: { n: 1 } })
  })

  it('behavior: the socket stays authenticated after its JWT expires (Paradex §8)', async () => {
    const client = await open()
    await auth(client, await paradexJwt(server))
    server.clock.advance(3_600_000)
    expect((await subscribe(client, 'orders.ALL')).result).toEqual({ channel: 'orders.ALL' })
    await server.gateway.publishHub.publish({
      channel: 'orders.ALL',
      data: { id: 'o1' },
      accountId: A2.account,
    })
    expect((await client.next()).params).toEqual({ channel: 'orders.ALL', data: { id: 'o1' } })
  })

  it('behavior: re-auth as another account replaces the identity and drops the private subscriptions it does not cover; public ones stay', async () => {
    const a2 = await paradexJwt(server, A2)
    const a1 = await paradexJwt(server, A1)
    const client = await open()
    await auth(client, a2)
    await subscribe(client, 'orders.ALL')
    await subscribe(client, 'trades.ALL')
    expect((await auth(client, a1, 2)).result).toBeDefined()

    // A2's subscription is gone: nothing of A2's arrives, and it cannot be unsubscribed.
    await server.gateway.publishHub.publish({ channel: 'orders.ALL', data: 'a2', accountId: A2.account })
    await server.gateway.publishHub.publish({ channel: 'trades.ALL', data: 'public' })
    expect((await client.next()).params).toEqual({ channel: 'trades.ALL', data: 'public' })
    expect((await unsubscribe(client, 'orders.ALL')).error.code).toBe(100)

    // Subscribing again acts for A1, and only A1.
    await subscribe(client, 'orders.ALL')
    await server.gateway.publishHub.publish({ channel: 'orders.ALL', data: 'a2', accountId: A2.account })
    await server.gateway.publishHub.publish({ channel: 'orders.ALL', data: 'a1', accountId: A1.account })
    expect((await client.next()).params).toEqual({ channel: 'orders.ALL', data: 'a1' })
  })

  it('behavior: re-auth with a fresh token of the same account keeps the subscriptions; a failed re-auth changes nothing', async () => {
    const client = await open()
    await auth(client, await paradexJwt(server))
    await subscribe(client, 'fills.ALL')
    expect((await auth(client, await mintedJwt(server, A2.account), 2)).result).toBeDefined()
    expect((await auth(client, 'x.y.z', 3)).error.code).toBe(40111)
    await server.gateway.publishHub.publish({ channel: 'fills.ALL', data: 'kept', accountId: A2.account })
    expect((await client.next()).params).toEqual({ channel: 'fills.ALL', data: 'kept' })
  })

  it('behavior: requests sent right behind auth wait for it, in order (no race with the private subscribe)', async () => {
    const client = await open()
    const jwt = await paradexJwt(server)
    client.send({ jsonrpc: '2.0', id: 1, method: 'auth', params: { bearer: jwt } })
    client.send({ jsonrpc: '2.0', id: 2, method: 'subscribe', params: { channel: 'orders.ALL' } })
    client.send({ jsonrpc: '2.0', id: 3, method: 'subscribe', params: { channel: 'positions' } })
    expect((await client.next()).id).toBe(1)
    expect(await client.next()).toMatchObject({ id: 2, result: { channel: 'orders.ALL' } })
    expect(await client.next()).toMatchObject({ id: 3, result: { channel: 'positions' } })
  })

  it('behavior: five failed auths close the socket (1008): each one costs a signature check', async () => {
    const client = await open()
    for (let i = 0; i < 4; i++) expect((await auth(client, 'x.y.z', i)).error.code).toBe(40111)
    expect((await auth(client, 'not-a-jwt', 4)).error.code).toBe(40110)
    expect((await client.closed).code).toBe(1008)
  })

  it('behavior: past the cap nothing more is verified, even for requests already received', async () => {
    const client = await open()
    const real = server.gateway.authenticateAccessToken
    let verifications = 0
    server.gateway.authenticateAccessToken = (token) => {
      verifications += 1
      return real(token)
    }
    for (let i = 0; i < 8; i++)
      client.send({ jsonrpc: '2.0', id: i, method: 'auth', params: { bearer: 'x.y.z' } })
    expect((await client.closed).code).toBe(1008)
    expect(verifications).toBe(5)
  })
})
