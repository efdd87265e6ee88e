import type { LightMyRequestResponse } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createKey,
  createKeyRequest,
  listKeys,
  type SignedIn,
  signedIn,
  type UseKeyOptions,
  useKey,
} from './support/api-keys.js'
import { expectProblem } from './support/problem.js'
import { startTestServer, type TestServer } from './support/test-server.js'

const expectIpRefused = (response: LightMyRequestResponse) => expectProblem(response, 403, 'IP_NOT_ALLOWED')

/** API-key IP allowlists and how the client IP is found (docs/api.md, docs/configuration.md). */
describe('API keys: IP allowlists', () => {
  let server: TestServer
  let owner: SignedIn
  const start = async (flags: Record<string, unknown> = {}) => {
    server = await startTestServer(flags)
    owner = await signedIn(server)
  }
  afterEach(() => server.close())

  /** Which of `ips` (socket addresses) a key with `allowedIps` is accepted from. */
  const acceptedFrom = async (
    allowedIps: string[] | undefined,
    ips: string[],
    options: UseKeyOptions = {},
  ) => {
    const key = await createKey(server, owner, allowedIps === undefined ? {} : { allowedIps })
    const accepted: string[] = []
    for (const ip of ips) {
      const response = await useKey(server, key.secret, { ...options, ip })
      if (response.statusCode === 200) accepted.push(ip)
      else expectIpRefused(response)
    }
    return accepted
  }

  const SAMPLE = ['203.0.113.5', '198.51.100.7', '::ffff:203.0.113.5', '2001:db8::1', '::1', '127.0.0.1']

  it('default: an absent or empty list allows any IP, v4, v6 and mapped', async () => {
    await start()
    expect(await acceptedFrom(undefined, SAMPLE)).toEqual(SAMPLE)
    expect(await acceptedFrom([], SAMPLE)).toEqual(SAMPLE)
  })

  it('behavior: one IPv4 address allows that address only (and its IPv4-mapped form)', async () => {
    await start()
    expect(
      await acceptedFrom(['203.0.113.5'], [...SAMPLE, '203.0.113.4', '203.0.113.6', '203.0.113.50']),
    ).toEqual(['203.0.113.5', '::ffff:203.0.113.5'])
  })

  it('behavior: IPv4 CIDR ranges, including /32, /0 and host bits in the entry', async () => {
    await start()
    const peers = ['10.0.0.0', '10.255.255.255', '11.0.0.0', '9.255.255.255', '::ffff:10.1.2.3', '::a00:1']
    expect(await acceptedFrom(['10.0.0.0/8'], peers)).toEqual([
      '10.0.0.0',
      '10.255.255.255',
      '::ffff:10.1.2.3',
    ])
    expect(await acceptedFrom(['10.9.9.9/8'], peers)).toEqual([
      '10.0.0.0',
      '10.255.255.255',
      '::ffff:10.1.2.3',
    ])
    expect(
      await acceptedFrom(
        ['198.51.100.64/26'],
        ['198.51.100.63', '198.51.100.64', '198.51.100.127', '198.51.100.128'],
      ),
    ).toEqual(['198.51.100.64', '198.51.100.127'])
    expect(await acceptedFrom(['192.0.2.1/32'], ['192.0.2.1', '192.0.2.2'])).toEqual(['192.0.2.1'])
    expect(await acceptedFrom(['0.0.0.0/0'], SAMPLE)).toEqual([
      '203.0.113.5',
      '198.51.100.7',
      '::ffff:203.0.113.5',
      '127.0.0.1',
    ])
  })

  it('behavior: IPv6 addresses and ranges, whatever the text form or case', async () => {
    await start()
    const peers = [
      '2001:db8::1',
      '2001:0DB8:0000:0000:0000:0000:0000:0001',
      '2001:db8::2',
      '2001:db9::1',
      '203.0.113.5',
    ]
    expect(await acceptedFrom(['2001:DB8::1'], peers)).toEqual([
      '2001:db8::1',
      '2001:0DB8:0000:0000:0000:0000:0000:0001',
    ])
    expect(await acceptedFrom(['2001:db8::/32'], peers)).toEqual([
      '2001:db8::1',
      '2001:0DB8:0000:0000:0000:0000:0000:0001',
      '2001:db8::2',
    ])
    expect(await acceptedFrom(['::1'], ['::1', '127.0.0.1', '::2'])).toEqual(['::1'])
    expect(await acceptedFrom(['2001:db8::/127'], ['2001:db8::', '2001:db8::1', '2001:db8::2'])).toEqual([
      '2001:db8::',
      '2001:db8::1',
    ])
  })

  it('behavior: IPv4-mapped IPv6 entries are IPv4 entries (address and /96+ ranges), matching both peer forms', async () => {
    await start()
    const created = await createKeyRequest(server, owner, {
      name: 'mapped',
      scope: 'read',
      allowedIps: ['::ffff:198.51.100.7', '::FFFF:192.0.2.0/120', '::ffff:0.0.0.0/96'],
    })
    expect(created.statusCode).toBe(201)
    expect(created.json().allowedIps).toEqual(['198.51.100.7', '192.0.2.0/24', '0.0.0.0/0'])
    expect(
      await acceptedFrom(['::ffff:198.51.100.7'], ['198.51.100.7', '::ffff:198.51.100.7', '198.51.100.8']),
    ).toEqual(['198.51.100.7', '::ffff:198.51.100.7'])
    expect(
      await acceptedFrom(['::ffff:192.0.2.0/120'], ['192.0.2.200', '::ffff:192.0.2.1', '192.0.3.1']),
    ).toEqual(['192.0.2.200', '::ffff:192.0.2.1'])
  })

  it('behavior: entries are stored normalised (trimmed, lower-case, mapped folded to IPv4), in order', async () => {
    await start()
    const response = await createKeyRequest(server, owner, {
      name: 'n',
      scope: 'read',
      allowedIps: [' 203.0.113.5 ', '2001:DB8::/32', '::FFFF:10.0.0.1', '10.0.0.0/8'],
    })
    expect(response.statusCode).toBe(201)
    const normalised = ['203.0.113.5', '2001:db8::/32', '10.0.0.1', '10.0.0.0/8']
    expect(response.json().allowedIps).toEqual(normalised)
    expect((await listKeys(server, owner)).json().apiKeys[0].allowedIps).toEqual(normalised)
  })

  it('behavior: several entries of both families: any one of them admits the peer', async () => {
    await start()
    expect(
      await acceptedFrom(
        ['203.0.113.0/24', '2001:db8::/48'],
        ['203.0.113.9', '::ffff:203.0.113.10', '2001:db8:0:1::1', '2001:db8:1::1', '198.51.100.7'],
      ),
    ).toEqual(['203.0.113.9', '::ffff:203.0.113.10', '2001:db8:0:1::1'])
  })

  it('error: entries that are not an address or CIDR range are 400 VALIDATION_FAILED naming the entry; nothing is created', async () => {
    await start()
    const bad = [
      'localhost',
      'example.com',
      '*',
      '256.1.1.1',
      '1.2.3',
      '01.2.3.4',
      '10.0.0.0-10.0.0.255',
      '10.0.0.1/33',
      '10.0.0.1/-1',
      '10.0.0.1/',
      '/8',
      '10.0.0.1/8/8',
      '10.0.0.1/abc',
      '10.0.0.1/ 8',
      '2001:db8::/129',
      '2001:db8:::1',
      '::ffff:10.0.0.0/95',
      '1.2.3.4:80',
      '[2001:db8::1]',
    ]
    for (const entry of bad) {
      const response = await createKeyRequest(server, owner, {
        name: 'bad',
        scope: 'read',
        allowedIps: ['203.0.113.5', entry],
      })
      expect([entry, response.statusCode, response.json().code]).toEqual([entry, 400, 'VALIDATION_FAILED'])
      expect(response.json().detail).toBe('allowedIps/1 is not an IP address or CIDR range')
    }
    // Schema limits: empty entries, over-long entries, too many entries.
    for (const allowedIps of [[''], ['1'.repeat(65)], Array.from({ length: 51 }, (_, i) => `10.0.0.${i}`)]) {
      const response = await createKeyRequest(server, owner, { name: 'bad', scope: 'read', allowedIps })
      expect([response.statusCode, response.json().code]).toEqual([400, 'VALIDATION_FAILED'])
    }
    expect((await listKeys(server, owner)).json().apiKeys).toEqual([])
  })

  describe('the client IP', () => {
    it('behavior: without trusted proxies the socket address is the client IP; X-Forwarded-For and friends are ignored', async () => {
      await start()
      const key = await createKey(server, owner, { allowedIps: ['198.51.100.7'] })
      const spoofs: Record<string, string>[] = [
        { 'x-forwarded-for': '198.51.100.7' },
        { 'x-forwarded-for': '203.0.113.66, 198.51.100.7' },
        { forwarded: 'for=198.51.100.7' },
        { 'x-real-ip': '198.51.100.7' },
        { 'x-client-ip': '198.51.100.7' },
        { 'cf-connecting-ip': '198.51.100.7' },
      ]
      for (const headers of spoofs) {
        // From loopback too: a local peer is not a proxy unless configured as one.
        for (const ip of ['203.0.113.66', '127.0.0.1'])
          expectIpRefused(await useKey(server, key.secret, { ip, headers }))
      }
      const allowed = await useKey(server, key.secret, {
        ip: '198.51.100.7',
        headers: { 'x-forwarded-for': '203.0.113.66' },
      })
      expect(allowed.statusCode).toBe(200)
      expect((await listKeys(server, owner)).json().apiKeys[0].lastUsedIp).toBe('198.51.100.7')
    })

    it('behavior: behind a trusted proxy, X-Forwarded-For is read right to left past trusted hops', async () => {
      await start({ trustedProxies: ['127.0.0.1', '10.0.0.0/8'] })
      const key = await createKey(server, owner, { allowedIps: ['198.51.100.7'] })
      const via = (xff: string, ip = '127.0.0.1') =>
        useKey(server, key.secret, { ip, headers: { 'x-forwarded-for': xff } })

      expect((await via('198.51.100.7')).statusCode).toBe(200)
      // The client wrote the left entry itself; the proxy appended the real peer on the right.
      expect((await via('203.0.113.66, 198.51.100.7')).statusCode).toBe(200)
      expectIpRefused(await via('198.51.100.7, 203.0.113.66'))
      // Trusted hops (10/8) between the client and the edge proxy are skipped…
      expect((await via('198.51.100.7, 10.1.2.3, 10.4.5.6')).statusCode).toBe(200)
      expect((await via('203.0.113.66, 198.51.100.7, 10.1.2.3', '10.9.9.9')).statusCode).toBe(200)
      // …but an untrusted hop stops the walk: what lies left of it is the client's own claim.
      expectIpRefused(await via('198.51.100.7, 203.0.113.66, 10.1.2.3'))
      // No header: the proxy's own address is the client IP.
      expectIpRefused(await useKey(server, key.secret, { ip: '127.0.0.1' }))
    })

    it('error: a spoofed X-Forwarded-For from a peer that is not a trusted proxy changes nothing', async () => {
      await start({ trustedProxies: ['10.0.0.0/8'] })
      const key = await createKey(server, owner, { allowedIps: ['198.51.100.7'] })
      for (const xff of ['198.51.100.7', '203.0.113.66, 198.51.100.7', '198.51.100.7, 10.0.0.1']) {
        for (const ip of ['203.0.113.66', '127.0.0.1', '11.0.0.1', '::ffff:11.0.0.1']) {
          expectIpRefused(await useKey(server, key.secret, { ip, headers: { 'x-forwarded-for': xff } }))
        }
      }
    })

    it('behavior: a trusted proxy reaching a dual-stack socket (::ffff:127.0.0.1) is still trusted', async () => {
      await start({ trustedProxies: ['127.0.0.1'] })
      const key = await createKey(server, owner, { allowedIps: ['198.51.100.7'] })
      const forwarded = { 'x-forwarded-for': '198.51.100.7' }
      expect(
        (await useKey(server, key.secret, { ip: '::ffff:127.0.0.1', headers: forwarded })).statusCode,
      ).toBe(200)
    })

    it('behavior: IPv6 hops in the chain, and an IPv6 proxy range', async () => {
      await start({ trustedProxies: ['fd00::/8'] })
      const key = await createKey(server, owner, { allowedIps: ['2001:db8::/32'] })
      const via = (xff: string) =>
        useKey(server, key.secret, { ip: 'fd00::1', headers: { 'x-forwarded-for': xff } })
      expect((await via('2001:db8::7')).statusCode).toBe(200)
      expect((await via('2001:db8::7, fd12::3')).statusCode).toBe(200)
      expectIpRefused(await via('2001:db8::7, 2001:db9::1'))
    })

    it('behavior: lastUsedIp is the resolved client IP, not the proxy', async () => {
      await start({ trustedProxies: ['127.0.0.1'] })
      const key = await createKey(server, owner)
      await useKey(server, key.secret, {
        ip: '127.0.0.1',
        headers: { 'x-forwarded-for': '203.0.113.66, 198.51.100.9' },
      })
      expect((await listKeys(server, owner)).json().apiKeys[0]).toMatchObject({
        id: key.id,
        lastUsedIp: '198.51.100.9',
      })
    })

    it('behavior: the allowlist guards every route the key can reach, and refuses before the scope check', async () => {
      await start()
      const key = await createKey(server, owner, { scope: 'read', allowedIps: ['198.51.100.7'] })
      for (const url of ['/v1/verify/read', '/v1/verify/trade', '/v1/auth/me', '/v1/api-keys']) {
        expectIpRefused(await useKey(server, key.secret, { url, ip: '203.0.113.66' }))
        expectIpRefused(await useKey(server, key.secret, { url, ip: '203.0.113.66', via: 'bearer' }))
      }
    })
  })
})
