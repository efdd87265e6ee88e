import { afterEach, describe, expect, it } from 'vitest'
import { mintAccessToken } from './support/access-tokens.js'
import { createKey, signedIn } from './support/api-keys.js'
import {
  authApiKey,
  authBearer,
  connect,
  listenNative,
  rpc,
  subscribeTo,
  type WsClient,
} from './support/native-ws.js'
import type { TestServer } from './support/test-server.js'

/** The native WebSocket (`/v1/ws`) with real `ws` clients: auth, channels, who hears what. */
describe('native WebSocket: auth and channels', () => {
  let server: TestServer
  const clients: WsClient[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    await server?.close()
  })
  const start = async (flags: Record<string, unknown> = {}) => {
    const started = await listenNative(flags)
    server = started.server
    return async () => {
      const client = await connect(started.ws)
      clients.push(client)
      return client
    }
  }

  it('behavior: auth with a bearer JWT answers the account, scopes, credential and expiry', async () => {
    const open = await start()
    const me = await signedIn(server)
    const answer = await authBearer(await open(), me.accessToken)
    expect(answer.result).toMatchObject({ accountId: me.accountId, credential: 'jwt' })
    expect(answer.result.scopes).toContain('read')
    expect(Date.parse(answer.result.expiresAt)).toBe(server.clock.now() + 300_000)
  })

  it('behavior: auth with an API key, checked against its allowlist with the upgrade’s client IP', async () => {
    const open = await start()
    const me = await signedIn(server)
    const key = await createKey(server, me, { scope: 'read', allowedIps: ['127.0.0.1/32'] })
    const answer = await authApiKey(await open(), key.secret)
    expect(answer.result).toMatchObject({ accountId: me.accountId, credential: 'api_key', scopes: ['read'] })
    expect(answer.result.expiresAt).toBeUndefined()
    const elsewhere = await createKey(server, me, { scope: 'read', allowedIps: ['203.0.113.0/24'] })
    const refused = await authApiKey(await open(), elsewhere.secret)
    expect(refused.error).toMatchObject({ code: -32003, data: { code: 'IP_NOT_ALLOWED' } })
  })

  it('attack: bad, forged, malformed and wrong-kind credentials are refused with stable codes; the fifth closes (1008)', async () => {
    const open = await start()
    const me = await signedIn(server)
    const client = await open()
    const [header, payload] = me.accessToken.split('.')
    const refusals = [
      [{ bearer: `${header}.${payload}.AAAA` }, -32001, 'TOKEN_INVALID'],
      [{ bearer: 'not a jwt' }, -32001, 'TOKEN_INVALID'],
      [
        { apiKey: 'sgl_sk_0000000000000000000000000000000000000000000000000000000000' },
        -32001,
        'API_KEY_INVALID',
      ],
      [{ apiKey: 'x'.repeat(10_000) }, -32001, 'API_KEY_INVALID'],
    ] as const
    for (const [params, code, stable] of refusals) {
      const answer = await rpc(client, 'auth', params)
      expect(answer.error).toMatchObject({ code, data: { code: stable } })
    }
    // Shape errors are not counted (no credential was tried) and name the protocol error.
    for (const params of [{}, { bearer: me.accessToken, apiKey: 'x' }, ['token']]) {
      expect((await rpc(client, 'auth', params)).error.code).toBe(-32602)
    }
    await rpc(client, 'auth', { bearer: 'a.b.c' })
    expect((await client.closed).code).toBe(1008)
  })

  it('attack: a token without the read scope authenticates nothing (-32003 SCOPE_MISSING)', async () => {
    const open = await start()
    const me = await signedIn(server)
    const { token } = await mintAccessToken(server, {
      accountId: me.accountId,
      sessionId: 'no-read',
      scopes: ['account'],
      clientId: 'native',
    })
    const client = await open()
    expect((await authBearer(client, token)).error).toMatchObject({
      code: -32003,
      data: { code: 'SCOPE_MISSING' },
    })
    expect((await subscribeTo(client, 'private:orders')).error.data.code).toBe('CREDENTIAL_MISSING')
  })

  it('behavior: protocol errors use JSON-RPC’s codes; a request without an id gets no answer', async () => {
    const open = await start()
    const client = await open()
    client.send('not json')
    expect((await client.next()).error).toMatchObject({ code: -32700, data: { code: 'PARSE_ERROR' } })
    client.send([{ jsonrpc: '2.0', id: 1, method: 'auth' }])
    expect((await client.next()).error.code).toBe(-32600)
    expect((await rpc(client, 'trade')).error.code).toBe(-32601)
    client.send({ jsonrpc: '2.0', method: 'subscribe', params: { channel: 'public:trades' } })
    // The notification was handled (subscribed) but not answered: the next frame answers the next id.
    const again = await subscribeTo(client, 'public:trades')
    expect(again.error.data.code).toBe('ALREADY_SUBSCRIBED')
  })

  it('behavior: channels are public:<topic> and private:<topic> only; a Paradex name is not one of them', async () => {
    const open = await start({ dialects: ['paradex'] })
    const client = await open()
    for (const channel of [
      'orders.ALL',
      'trades.BTC-USD-PERP',
      'public:',
      'secret:x',
      'public:a b',
      `public:${'a'.repeat(97)}`,
    ])
      expect((await subscribeTo(client, channel)).error).toMatchObject({
        code: -32602,
        data: { code: 'CHANNEL_UNKNOWN' },
      })
    expect((await subscribeTo(client, 'private:orders')).error).toMatchObject({
      code: -32001,
      data: { code: 'CREDENTIAL_MISSING' },
    })
    expect((await subscribeTo(client, 'public:trades')).result).toEqual({ channel: 'public:trades' })
    expect((await rpc(client, 'unsubscribe', { channel: 'public:trades' })).result).toEqual({
      channel: 'public:trades',
    })
    expect((await rpc(client, 'unsubscribe', { channel: 'public:trades' })).error.data.code).toBe(
      'NOT_SUBSCRIBED',
    )
  })

  it('behavior: a socket holds at most native.wsMaxSubscriptions channels', async () => {
    const open = await start({ 'native.wsMaxSubscriptions': 2 })
    const client = await open()
    await subscribeTo(client, 'public:a')
    await subscribeTo(client, 'public:b')
    expect((await subscribeTo(client, 'public:c')).error).toMatchObject({
      code: -32002,
      data: { code: 'SUBSCRIPTION_LIMIT' },
    })
  })

  it('attack: a private message reaches only the sockets of its account; a public one reaches everyone', async () => {
    const open = await start()
    const [alice, bob] = [await signedIn(server), await signedIn(server)]
    const [aliceSocket, bobSocket, anonymous] = [await open(), await open(), await open()]
    await authBearer(aliceSocket, alice.accessToken)
    await authBearer(bobSocket, bob.accessToken)
    for (const client of [aliceSocket, bobSocket])
      expect((await subscribeTo(client, 'private:orders')).result).toBeDefined()
    for (const client of [aliceSocket, bobSocket, anonymous]) await subscribeTo(client, 'public:trades')

    await server.gateway.publishHub.publish({
      channel: 'private:orders',
      data: { id: 'o-1' },
      accountId: alice.accountId,
    })
    await server.gateway.publishHub.publish({ channel: 'public:trades', data: { px: 1 } })
    expect(await aliceSocket.next()).toEqual({
      jsonrpc: '2.0',
      method: 'subscription',
      params: { channel: 'private:orders', data: { id: 'o-1' } },
    })
    // Bob's first frame is the public trade: Alice's order never reached him.
    expect((await bobSocket.next()).params).toEqual({ channel: 'public:trades', data: { px: 1 } })
    expect((await anonymous.next()).params.channel).toBe('public:trades')
    expect((await aliceSocket.next()).params.channel).toBe('public:trades')
  })

  it('attack: re-authenticating as another account drops the private subscriptions of the first', async () => {
    const open = await start()
    const [alice, bob] = [await signedIn(server), await signedIn(server)]
    const client = await open()
    await authBearer(client, alice.accessToken)
    await subscribeTo(client, 'private:orders')
    await authBearer(client, bob.accessToken)
    await subscribeTo(client, 'public:trades')
    await server.gateway.publishHub.publish({ channel: 'private:orders', data: 1, accountId: bob.accountId })
    await server.gateway.publishHub.publish({ channel: 'public:trades', data: 2 })
    expect((await client.next()).params).toEqual({ channel: 'public:trades', data: 2 })
  })

  it('behavior: without an upgrade the route answers 426', async () => {
    await start()
    const response = await server.app.inject({ method: 'GET', url: '/v1/ws' })
    expect(response.statusCode).toBe(426)
    expect(response.headers.upgrade).toBe('websocket')
  })
})
