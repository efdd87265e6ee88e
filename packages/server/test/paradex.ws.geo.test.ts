import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { auth, connect, listenParadex, paradexJwt, subscribe, type WsClient } from './support/paradex-ws.js'
import { tempDir } from './support/temp-dir.js'
import type { TestServer } from './support/test-server.js'

/** Loopback is the trusted front proxy here, so a real `ws` client can state its country in a header. */
const GEO = {
  trustedProxies: ['127.0.0.1'],
  geoCountryHeader: 'cf-ipcountry',
  geoBlockedCountries: ['KP'],
}

describe('Paradex WebSocket: geo blocking (40112)', () => {
  let server: TestServer
  let url: string
  const clients: WsClient[] = []
  const open = async (country?: string) => {
    const client = await connect(url, country ? { headers: { 'cf-ipcountry': country } } : {})
    clients.push(client)
    return client
  }
  const listen = async (flags: Record<string, unknown>) => {
    ;({ server, ws: url } = await listenParadex(flags))
  }
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close()
    await server.close()
  })

  it('behavior: from a blocked country the upgrade succeeds and `auth` answers 40112 Geo IP Blocked, whatever the bearer', async () => {
    await listen(GEO)
    const jwt = await paradexJwt(server) // over HTTP from loopback without a header: unknown, allowed
    const client = await open('KP')
    for (const [bearer, id] of [
      [jwt, 1],
      ['not-a-jwt', 'two'],
    ] as const) {
      const reply = await auth(client, bearer, id)
      expect(reply).toEqual({
        jsonrpc: '2.0',
        error: {
          code: 40112,
          message: 'Geo IP Blocked',
          data: 'Not available from your location (country KP)',
        },
        usIn: expect.any(Number),
        usOut: expect.any(Number),
        usDiff: expect.any(Number),
        id,
      })
    }
    // Not authenticated: private channels stay closed; public ones are readable, like public HTTP documents.
    expect((await subscribe(client, 'orders.ALL')).error.code).toBe(40110)
    expect((await subscribe(client, 'trades.BTC-USD-PERP')).result).toEqual({
      channel: 'trades.BTC-USD-PERP',
    })
  })

  it('behavior: the same token from an allowed country authenticates', async () => {
    await listen(GEO)
    const client = await open('CH')
    const reply = await auth(client, await paradexJwt(server))
    expect(reply.result).toEqual({ node_id: expect.any(String) })
  })

  it('behavior: blocked auths count as failed ones: the fifth closes the socket (1008)', async () => {
    await listen(GEO)
    const client = await open('KP')
    for (let i = 0; i < 5; i++) expect((await auth(client, 'a.b.c', i)).error.code).toBe(40112)
    expect((await client.closed).code).toBe(1008)
  })

  it('behavior: the IP database locates the socket when no header says anything; the refusal is audited once per window', async () => {
    const dir = tempDir('sigil-geo-ws-')
    writeFileSync(join(dir, 'countries.csv'), '127.0.0.0,127.255.255.255,KP\n')
    await listen({ geoIpDatabase: join(dir, 'countries.csv'), geoBlockedCountries: ['KP'] })
    const client = await open()
    expect((await auth(client, 'a.b.c', 1)).error).toMatchObject({ code: 40112 })
    expect((await auth(client, 'a.b.c', 2)).error).toMatchObject({ code: 40112 })
    await vi.waitFor(async () =>
      expect(await server.gateway.operator.auditEvents({ limit: 10 })).toHaveLength(1),
    )
    expect((await server.gateway.operator.auditEvents({ limit: 10 }))[0]).toMatchObject({
      type: 'geo.denied',
      ip: '127.0.0.1',
      detail: { country: 'KP', source: 'database', reason: 'country_blocked', route: '/paradex/v1' },
    })
  })

  it('default: geo blocking off: a country header on the upgrade changes nothing', async () => {
    await listen({})
    const client = await open('KP')
    expect((await auth(client, await paradexJwt(server))).result).toEqual({ node_id: expect.any(String) })
  })
})
