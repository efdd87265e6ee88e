/**
 * Fuzz over HTTP: arbitrary values of the headers Sigil parses itself (the Paradex auth and
 * onboarding headers, v1 and v2, the verify endpoint's original-request headers, X-Forwarded-For
 * from a trusted proxy, Authorization, x-api-key, Cookie) sent over a real socket to a real
 * server. Whatever they are, the answer is a 2xx-4xx with a JSON body, never a 500.
 *
 * The parsers' own contracts are fuzzed beside them (*.fuzz.test.ts under src/); this checks that
 * nothing between the socket and those parsers turns an odd value into a fault.
 *
 * Budget: 150 requests over loopback, about 1 s on one idle core.
 */
import { Agent, request } from 'node:http'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onboard, PARADEX } from './support/paradex-client.js'
import { signatureHeader } from './support/paradex-signer.js'
import { A1 } from './support/paradex-vectors.js'
import { startTestServer, type TestServer } from './support/test-server.js'

/** What a client can put in a header value on the wire: tab, visible ASCII, space, and obs-text (0x80-0xff). */
const wireChar = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.constantFrom(0x09, 0x80, 0xa0, 0xc3, 0xe2, 0xef, 0xfe, 0xff) },
)
const wireString = (maxLength: number) =>
  fc.array(wireChar, { maxLength }).map((codes) => String.fromCharCode(...codes))

const siweText = [
  'app.example wants you to sign in with your Ethereum account:',
  '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
  '',
  'Paradex Auth',
  '',
  'URI: https://app.example',
  'Version: 1',
  'Chain ID: 1',
  'Nonce: abcdefgh12',
  'Issued At: 2026-11-22T12:00:00Z',
  'Expiration Time: 2026-11-22T12:05:00Z',
].join('\n')

/** Each header: valid values, near misses, and wire noise. */
const HEADERS: Record<string, fc.Arbitrary<string>> = {
  'paradex-starknet-account': fc.oneof(
    fc.constantFrom(
      A1.account,
      A1.account.toUpperCase().replace('0X', '0x'),
      `0x000${A1.account.slice(2)}`,
      `0x${'f'.repeat(64)}`,
    ),
    wireString(70),
  ),
  'paradex-starknet-signature': fc.oneof(
    fc.constant(signatureHeader(A1.auth)),
    fc.bigInt({ min: 0n, max: 2n ** 260n }).map((n) => `["${n}","${n}"]`),
    wireString(120),
  ),
  'paradex-timestamp': fc.oneof(
    fc.constantFrom(`${A1.auth.timestamp}`, '1795867200', '0', '-1', '9'.repeat(20)),
    wireString(14),
  ),
  'paradex-signature-expiration': fc.oneof(
    fc.constantFrom(`${A1.auth.expiration}`, '1795867500', '', '1e9'),
    wireString(14),
  ),
  'paradex-ethereum-account': fc.oneof(
    fc.constant('0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'),
    wireString(44),
  ),
  'paradex-authorize-isolated-markets': fc.oneof(fc.constantFrom('true', 'false', 'TRUE', ''), wireString(8)),
  'paradex-evm-signature': fc.oneof(fc.constant(`0x${'1b'.repeat(65)}`), wireString(140)),
  'paradex-siwe-message': fc.oneof(
    fc.constant(Buffer.from(siweText).toString('base64')),
    fc.constantFrom('QR==', '77u/', '====', 'A'),
    wireString(80).map((t) => Buffer.from(t, 'latin1').toString('base64')),
    wireString(60),
  ),
  'x-forwarded-method': fc.oneof(fc.constantFrom('GET', 'POST', 'GET, POST', 'PROPPATCH'), wireString(10)),
  'x-forwarded-uri': fc.oneof(
    fc.constantFrom('/', '/a/../b', '/%2e%2e/x', '/a%2fb', '//x', '/a\\b'),
    wireString(40),
  ),
  'x-original-method': fc.oneof(fc.constantFrom('GET', 'DELETE'), wireString(10)),
  'x-original-uri': fc.oneof(fc.constantFrom('/', '/markets?x=1'), wireString(40)),
  'x-forwarded-for': fc.oneof(
    fc.constantFrom(
      '1.2.3.4',
      '1.2.3.4, 127.0.0.1',
      '::ffff:1.2.3.4',
      'fe80::1%eth0',
      'unknown',
      ',,,',
      '[::1]:80',
    ),
    wireString(60),
  ),
  authorization: fc.oneof(
    fc.constantFrom('Bearer ', 'Bearer a.b.c', 'Basic eA=='),
    wireString(120).map((t) => `Bearer ${t}`),
  ),
  'x-api-key': fc.oneof(fc.constant(`sgl_sk_${'a'.repeat(59)}`), wireString(80)),
  cookie: fc.oneof(fc.constant('__Host-sigil=a.b; sigil=%zz'), wireString(80)),
}

const ROUTES: readonly (readonly [method: string, path: string])[] = [
  ['POST', `${PARADEX}/v1/auth`],
  ['POST', `${PARADEX}/v1/auth/${A1.publicKey}`],
  ['POST', `${PARADEX}/v1/onboarding`],
  ['POST', `${PARADEX}/v2/auth`],
  ['POST', `${PARADEX}/v2/onboarding`],
  ['GET', '/v1/verify'],
  ['POST', '/v1/verify'],
  ['GET', '/v1/verify/read'],
]

const call = fc.record({
  route: fc.constantFrom(...ROUTES),
  headers: fc.record(HEADERS, { requiredKeys: [] }),
})

describe('HTTP headers fuzz', () => {
  let server: TestServer
  let origin: string
  const agent = new Agent({ keepAlive: true, maxSockets: 4 })

  beforeAll(async () => {
    // Rate limits off: every request must reach the parsers, not a 429. Loopback is a trusted
    // proxy so that X-Forwarded-For is read (by proxy-addr) and not ignored.
    server = await startTestServer({ rateLimits: 'off', trustedProxies: ['127.0.0.1'] })
    expect((await onboard(server.app, A1)).statusCode).toBe(200)
    origin = await server.app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => {
    agent.destroy()
    await server.close()
  })

  const send = (method: string, path: string, headers: Record<string, string | undefined>) =>
    new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = request(`${origin}${path}`, { method, headers, agent }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end()
    })

  it('property: any header values get a 2xx-4xx JSON answer, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(call, async ({ route: [method, path], headers }) => {
        const response = await send(method, path, headers)
        expect(response.status, response.body).toBeGreaterThanOrEqual(200)
        expect(response.status, response.body).toBeLessThan(500)
        if (response.body !== '') {
          expect(response.type).toMatch(/json/)
          expect(response.body).not.toMatch(/\bat .*\.(?:ts|js):\d+/) // no stack trace
        }
      }),
      { numRuns: 150 },
    )
  })
})
