import { afterEach, describe, expect, it } from 'vitest'
import { PARADEX } from './support/paradex-client.js'
import { signatureHeader } from './support/paradex-signer.js'
import { A2 } from './support/paradex-vectors.js'
import { startTestServer, type TestServer } from './support/test-server.js'

/** An onboarding with a junk signature: the full curve work, then a 401. What a flood sends. */
const junkOnboarding = (server: TestServer, ip: string) =>
  server.app.inject({
    method: 'POST',
    url: `${PARADEX}/v1/onboarding`,
    remoteAddress: ip,
    headers: {
      'paradex-starknet-account': A2.account,
      'paradex-starknet-signature': signatureHeader({ r: 1n, s: 2n }),
      'content-type': 'application/json',
    },
    payload: JSON.stringify({ public_key: A2.publicKey }),
  })

describe('Paradex: curve work is rate limited apart, per IP and server-wide', () => {
  let server: TestServer
  afterEach(() => server.close())

  it('attack: one IP flooding onboarding is held to rateLimitStarknetPerMinute, in Paradex body', async () => {
    server = await startTestServer({ rateLimitStarknetPerMinute: 3 })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await junkOnboarding(server, '203.0.113.7')).statusCode)
    expect(statuses).toEqual([401, 401, 401, 429])
    const refused = await junkOnboarding(server, '203.0.113.7')
    expect(refused.json()).toMatchObject({ error: 'RATE_LIMIT_EXCEEDED', data: null })
    expect(refused.headers['ratelimit-policy']).toBe('"starknet";q=3;w=60')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    // Another address, and the native sign-in of the same one, are not affected.
    expect((await junkOnboarding(server, '203.0.113.8')).statusCode).toBe(401)
    const nonce = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/nonce',
      remoteAddress: '203.0.113.7',
      payload: {},
    })
    expect(nonce.statusCode).toBe(200)
  })

  it('attack: a flood from many addresses is shed server-wide before any curve work; the rest of the server is not', async () => {
    server = await startTestServer({ rateLimitStarknetGlobalPerSecond: 5 })
    const statuses = []
    for (let i = 0; i < 8; i++) statuses.push((await junkOnboarding(server, `198.51.100.${i}`)).statusCode)
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429])
    const shed = await junkOnboarding(server, '198.51.100.200')
    expect(shed.headers['ratelimit-policy']).toBe('"starknet-global";q=5;w=1')
    const config = await server.app.inject({
      method: 'GET',
      url: `${PARADEX}/v1/system/config`,
      remoteAddress: '198.51.100.1',
    })
    expect(config.statusCode).toBe(200)
    server.clock.advance(2000)
    expect((await junkOnboarding(server, '198.51.100.201')).statusCode).toBe(401)
  })

  it("attack: one client's burst takes only its share of the server-wide budget; others still sign in", async () => {
    // 8 per second server-wide, 25% of it per client: 2.
    server = await startTestServer({ rateLimitStarknetGlobalPerSecond: 8, rateLimitGlobalSharePercent: 25 })
    const burst = []
    for (let i = 0; i < 12; i++) burst.push((await junkOnboarding(server, '203.0.113.7')).statusCode)
    expect(burst).toEqual([401, 401, ...Array(10).fill(429)])
    const refused = await junkOnboarding(server, '203.0.113.7')
    expect(refused.headers['ratelimit-policy']).toBe('"starknet-global-share";q=2;w=1')
    expect(refused.json()).toMatchObject({ error: 'RATE_LIMIT_EXCEEDED' })
    // The rest of the second's budget is everyone else's: the burst did not spend it.
    const others = []
    for (let i = 0; i < 6; i++) others.push((await junkOnboarding(server, `198.51.100.${i}`)).statusCode)
    expect(others).toEqual(Array(6).fill(401))
  })
})
