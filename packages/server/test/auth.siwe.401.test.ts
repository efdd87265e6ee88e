import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { expectProblem } from './support/problem.js'
import { highSTwin, joinSignature, SECP256K1_N, splitSignature } from './support/signature-forgery.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import {
  getNonce,
  newWallet,
  personalSign,
  type SiweFields,
  signedSiwe,
  siweMessage,
} from './support/wallet.js'

/** EIP-4361 binding, time, nonce and signature attacks (spec/siwe.md §7, items 13–32). */
describe('POST /v1/auth/siwe: refused', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  const wallet = newWallet()
  const post = (message: string, signature: string) =>
    server.app.inject({ method: 'POST', url: '/v1/auth/siwe', payload: { message, signature } })

  async function attempt(fields: Omit<SiweFields, 'nonce'> & { nonce?: string } = {}) {
    const nonce = fields.nonce ?? (await getNonce(server.app))
    const { message, signature } = await signedSiwe(wallet, { ...fields, nonce }, server.clock.now())
    return { nonce, message, signature, response: await post(message, signature) }
  }

  /** A refusal that happens before the nonce is burned leaves it usable for the honest sign-in. */
  async function expectNonceStillUsable(nonce: string) {
    expect((await attempt({ nonce })).response.statusCode).toBe(200)
  }

  it('error: a replayed (message, signature) is refused the second time', async () => {
    const first = await attempt()
    expect(first.response.statusCode).toBe(200)
    expectProblem(await post(first.message, first.signature), 401, 'NONCE_USED')
  })

  it.each([
    ['another domain', { domain: 'evil.example' }, 'DOMAIN_MISMATCH'],
    ['the right host on another port', { domain: 'app.example:8443' }, 'DOMAIN_MISMATCH'],
    ['a subdomain', { domain: 'www.app.example' }, 'DOMAIN_MISMATCH'],
    ['an http scheme when https is configured', { scheme: 'http' }, 'SCHEME_MISMATCH'],
    ['another URI', { uri: 'https://evil.example/login' }, 'URI_MISMATCH'],
    ['another path under the origin', { uri: 'https://app.example/other' }, 'URI_MISMATCH'],
    ['a chain outside the allowlist', { chainId: 137 }, 'CHAIN_NOT_ALLOWED'],
  ] as const)('error: %s', async (_name, fields, code) => {
    const { nonce, response } = await attempt(fields)
    expectProblem(response, 401, code)
    await expectNonceStillUsable(nonce)
  })

  it('error: Expiration Time before Issued At is a window already closed', async () => {
    const now = server.clock.now()
    const { response } = await attempt({ issuedAt: new Date(now), expirationTime: new Date(now - 1000) })
    expectProblem(response, 401, 'MESSAGE_EXPIRED')
  })

  it('error: Issued At before the nonce existed (beyond the skew)', async () => {
    const nonce = await getNonce(server.app)
    server.clock.advance(200_000)
    const { response } = await attempt({ nonce, issuedAt: new Date(server.clock.now() - 200_000 - 61_000) })
    expectProblem(response, 401, 'ISSUED_AT_INVALID')
    expect(response.json().detail).toBe('issued_at_before_nonce')
  })

  it('error: an expired message (Expiration Time 1 s ago)', async () => {
    const now = server.clock.now()
    const { response } = await attempt({
      issuedAt: new Date(now - 60_000),
      expirationTime: new Date(now - 1000),
    })
    expectProblem(response, 401, 'MESSAGE_EXPIRED')
  })

  it('error: a message that expires exactly now', async () => {
    const now = server.clock.now()
    const { response } = await attempt({ issuedAt: new Date(now - 60_000), expirationTime: new Date(now) })
    expectProblem(response, 401, 'MESSAGE_EXPIRED')
  })

  it('error: Not Before five minutes ahead', async () => {
    const { response } = await attempt({ notBefore: new Date(server.clock.now() + 300_000) })
    expectProblem(response, 401, 'MESSAGE_NOT_YET_VALID')
  })

  it('error: Issued At ten minutes in the future; 30 s of client clock skew is fine', async () => {
    expectProblem(
      (await attempt({ issuedAt: new Date(server.clock.now() + 600_000) })).response,
      401,
      'ISSUED_AT_INVALID',
    )
    expect((await attempt({ issuedAt: new Date(server.clock.now() + 30_000) })).response.statusCode).toBe(200)
  })

  it('error: Issued At older than the nonce lifetime', async () => {
    const { response } = await attempt({ issuedAt: new Date(server.clock.now() - 301_000) })
    expectProblem(response, 401, 'ISSUED_AT_INVALID')
  })

  it('error: a nonce this server never issued', async () => {
    expectProblem(
      (await attempt({ nonce: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' })).response,
      401,
      'NONCE_UNKNOWN',
    )
  })

  it('error: a nonce past its TTL', async () => {
    const nonce = await getNonce(server.app)
    server.clock.advance(300_000)
    expectProblem((await attempt({ nonce })).response, 401, 'NONCE_EXPIRED')
  })

  it('error: a nonce bound to another wallet, which the bound wallet can still use', async () => {
    const other = newWallet()
    const bound = await server.app.inject({
      method: 'POST',
      url: '/v1/auth/nonce',
      payload: { address: other.address },
    })
    const nonce = bound.json().nonce
    expectProblem((await attempt({ nonce })).response, 401, 'NONCE_MISMATCH')
    const message = siweMessage(other, { nonce }, server.clock.now())
    expect((await post(message, await personalSign(other, message))).statusCode).toBe(200)
  })

  it('error: the high-s twin of a valid signature (malleability)', async () => {
    const nonce = await getNonce(server.app)
    const { message, signature } = await signedSiwe(wallet, { nonce }, server.clock.now())
    expectProblem(await post(message, highSTwin(signature)), 401, 'SIGNATURE_NOT_CANONICAL')
    expect((await post(message, signature)).statusCode).toBe(200)
  })

  it.each([
    ['66 bytes', (s: string) => `${s}00`],
    ['64 bytes (compact form is not accepted)', (s: string) => s.slice(0, 130)],
    ['odd-length hex', (s: string) => s.slice(0, 131)],
    ['non-hex characters', (s: string) => `${s.slice(0, 10)}zz${s.slice(12)}`],
    ['no 0x prefix', (s: string) => s.slice(2)],
    ['just 0x', () => '0x'],
  ])('error: a malformed signature (%s) is 400 and burns nothing', async (_name, mangle) => {
    const nonce = await getNonce(server.app)
    const { message, signature } = await signedSiwe(wallet, { nonce }, server.clock.now())
    expectProblem(await post(message, mangle(signature)), 400, 'SIGNATURE_MALFORMED')
    expect((await post(message, signature)).statusCode).toBe(200)
  })

  it.each([
    ['v = 29', (r: bigint, s: bigint) => joinSignature(r, s, 29)],
    ['r = 0', (_r: bigint, s: bigint, v: number) => joinSignature(0n, s, v)],
    ['s = 0', (r: bigint, _s: bigint, v: number) => joinSignature(r, 0n, v)],
    ['r = n', (_r: bigint, s: bigint, v: number) => joinSignature(SECP256K1_N, s, v)],
    ['s = n', (r: bigint, _s: bigint, v: number) => joinSignature(r, SECP256K1_N, v)],
  ])('error: an out-of-range signature (%s)', async (_name, forge) => {
    const nonce = await getNonce(server.app)
    const message = siweMessage(wallet, { nonce }, server.clock.now())
    const { r, s, v } = splitSignature(await personalSign(wallet, message))
    expectProblem(await post(message, forge(r, s, v)), 401, 'INVALID_SIGNATURE')
  })

  it('error: a signature by another key', async () => {
    const nonce = await getNonce(server.app)
    const message = siweMessage(wallet, { nonce }, server.clock.now())
    expectProblem(await post(message, await personalSign(newWallet(), message)), 401, 'INVALID_SIGNATURE')
  })

  it('error: one byte of the message changed after signing (here: the chain id)', async () => {
    const other = await startTestServer({ siweChainIds: [1, 10] })
    try {
      const nonce = await getNonce(other.app)
      const { message, signature } = await signedSiwe(wallet, { nonce }, other.clock.now())
      const tampered = message.replace('Chain ID: 1\n', 'Chain ID: 10\n')
      const response = await other.app.inject({
        method: 'POST',
        url: '/v1/auth/siwe',
        payload: { message: tampered, signature },
      })
      expectProblem(response, 401, 'INVALID_SIGNATURE')
    } finally {
      await other.close()
    }
  })

  it.each([
    ['CRLF line endings', (m: string) => m.replaceAll('\n', '\r\n')],
    ['a trailing LF', (m: string) => `${m}\n`],
    [
      'a lower-case (non EIP-55) address',
      (m: string) => m.replace(wallet.address, wallet.address.toLowerCase()),
    ],
    ['a duplicated Nonce line', (m: string) => m.replace(/(Nonce: \w+\n)/, '$1$1')],
    ['an RTLO character in the statement', (m: string) => m.replace('Sign in', 'Sign\u202ein')],
    ['an impossible date', (m: string) => m.replace(/Issued At: \d{4}-\d\d-\d\d/, 'Issued At: 2026-02-30')],
  ])('error: a message with %s is not EIP-4361 (400)', async (_name, mangle) => {
    const nonce = await getNonce(server.app)
    const message = mangle(siweMessage(wallet, { nonce }, server.clock.now()))
    const response = await post(message, await personalSign(wallet, message))
    expectProblem(response, 400, 'INVALID_SIWE_MESSAGE')
    expect(response.json().detail).toEqual(expect.any(String))
  })

  it.each([
    ['an unknown body property', { message: 'x', signature: '0x', extra: 1 }],
    ['a missing signature', { message: 'x' }],
    ['a number for the message', { message: 1, signature: '0x00' }],
    ['a message over 8 KiB', { message: 'a'.repeat(8193), signature: '0x00' }],
  ])('error: %s is a 400 schema failure', async (_name, payload) => {
    const response = await server.app.inject({ method: 'POST', url: '/v1/auth/siwe', payload })
    expectProblem(response, 400, 'VALIDATION_FAILED')
  })

  it('error: invalid JSON, a foreign media type and an oversized body', async () => {
    const url = '/v1/auth/siwe'
    const bad = await server.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: '{"message":',
    })
    expectProblem(bad, 400, 'VALIDATION_FAILED')
    const xml = await server.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    })
    expectProblem(xml, 415, 'UNSUPPORTED_MEDIA_TYPE')
    const huge = await server.app.inject({
      method: 'POST',
      url,
      payload: { message: 'a'.repeat(20_000), signature: '0x' },
    })
    expectProblem(huge, 413, 'PAYLOAD_TOO_LARGE')
  })
})
