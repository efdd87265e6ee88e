import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { signedIn, startLoggedTestServer } from './support/api-keys.js'
import {
  authBearer,
  connect,
  listenNative,
  PUBLISH_TOKEN,
  publish,
  subscribeTo,
  type WsClient,
} from './support/native-ws.js'
import { expectProblem } from './support/problem.js'
import { startTestServer, type TestServer } from './support/test-server.js'

/** POST /v1/internal/publish: the backend's door to the WebSocket subscribers. */
describe('publish endpoint', () => {
  const servers: TestServer[] = []
  const clients: WsClient[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    for (const server of servers.splice(0)) await server.close()
  })

  it('default: without publishToken the route does not exist (404), whatever is sent', async () => {
    const server = await startTestServer()
    servers.push(server)
    const response = await publish(server, { channel: 'public:trades', data: 1 })
    expect(response.statusCode).toBe(404)
  })

  it('config: a publishToken shorter than 32 characters, or with spaces, is refused at start', () => {
    expect(() => loadConfig({ flags: { publicUrl: 'https://app.example', publishToken: 'short' } })).toThrow(
      /publishToken/,
    )
    expect(() =>
      loadConfig({ flags: { publicUrl: 'https://app.example', publishToken: `${'a'.repeat(32)} b` } }),
    ).toThrow(/publishToken/)
  })

  it('attack: no token, a wrong one, one of another length or scheme: 401, and the token is never logged', async () => {
    const server = await startLoggedTestServer({ publishToken: PUBLISH_TOKEN })
    servers.push(server)
    const body = { channel: 'public:trades', data: 1 }
    expectProblem(await publish(server, body, null), 401, 'CREDENTIAL_MISSING')
    const wrong = `${PUBLISH_TOKEN.slice(0, -1)}x`
    for (const token of [wrong, `${PUBLISH_TOKEN}x`, 'x'])
      expectProblem(await publish(server, body, token), 401, 'TOKEN_INVALID')
    const basic = await server.app.inject({
      method: 'POST',
      url: '/v1/internal/publish',
      headers: { authorization: `Basic ${PUBLISH_TOKEN}` },
      payload: body,
    })
    expectProblem(basic, 401, 'TOKEN_INVALID')
    const log = server.lines.join('\n')
    expect(log).not.toContain(PUBLISH_TOKEN)
    expect(log).not.toContain(wrong)
  })

  it('behavior: an unknown channel, or a private one without accountId, is 400 with a stable code', async () => {
    const server = await startTestServer({ publishToken: PUBLISH_TOKEN })
    servers.push(server)
    expectProblem(await publish(server, { channel: 'nope', data: 1 }), 400, 'CHANNEL_UNKNOWN')
    expectProblem(
      await publish(server, { channel: 'private:orders', data: 1 }),
      400,
      'CHANNEL_ACCOUNT_MISSING',
    )
    expectProblem(
      await publish(server, { channel: 'public:x', data: 1, extra: true }),
      400,
      'VALIDATION_FAILED',
    )
    expectProblem(await publish(server, { data: 1 }), 400, 'VALIDATION_FAILED')
  })

  it('behavior: a publication is 202 and reaches the subscribed sockets; a private one only its account’s', async () => {
    const { server, ws } = await listenNative({ publishToken: PUBLISH_TOKEN })
    servers.push(server)
    const [alice, bob] = [await signedIn(server), await signedIn(server)]
    const [aliceSocket, bobSocket] = [await connect(ws), await connect(ws)]
    clients.push(aliceSocket, bobSocket)
    await authBearer(aliceSocket, alice.accessToken)
    await authBearer(bobSocket, bob.accessToken)
    for (const client of [aliceSocket, bobSocket]) {
      await subscribeTo(client, 'private:fills')
      await subscribeTo(client, 'public:trades')
    }
    const fill = { id: 'f-1', size: '1.5' }
    expect(
      (await publish(server, { channel: 'private:fills', data: fill, accountId: alice.accountId }))
        .statusCode,
    ).toBe(202)
    expect((await publish(server, { channel: 'public:trades', data: null })).statusCode).toBe(202)
    expect((await aliceSocket.next()).params).toEqual({ channel: 'private:fills', data: fill })
    expect((await bobSocket.next()).params).toEqual({ channel: 'public:trades', data: null })
  })
})
