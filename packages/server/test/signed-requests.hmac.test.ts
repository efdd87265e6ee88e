import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import {
  cellsAsText,
  createKeyRequest,
  dumpDatabase,
  rotateKey,
  type SignedIn,
  signedIn,
} from './support/api-keys.js'
import { expectProblem } from './support/problem.js'
import { hmacPeerKey, signedRequest } from './support/signed-requests.js'
import { startTestServer, type TestServer } from './support/test-server.js'

const MASTER_KEY = randomBytes(32).toString('hex')

/** An `hmac-sha256` request signed by the peer library with the shared secret. */
const hmacRequest = (server: TestServer, keyId: string, secret: string, target = '/v1/verify/read') =>
  signedRequest(server, hmacPeerKey(keyId, secret), { target })

/** The optional hmac-sha256 variant: only with hmacSignedRequests and a master key; secret shown once, stored sealed. */
describe('signed requests with an hmac-sha256 key', () => {
  let server: TestServer
  let owner: SignedIn
  afterEach(() => server.close())

  const create = async (body: Record<string, unknown> = {}) =>
    createKeyRequest(server, owner, { name: 'bot', scope: 'read', alg: 'hmac-sha256', ...body })

  it('default: off; a server without hmacSignedRequests refuses to create one (400 HMAC_KEYS_DISABLED)', async () => {
    server = await startTestServer({ masterKey: MASTER_KEY })
    owner = await signedIn(server)
    expectProblem(await create(), 400, 'HMAC_KEYS_DISABLED')
    expect(() =>
      loadConfig({ flags: { publicUrl: 'https://app.example', hmacSignedRequests: true } }),
    ).toThrow(/hmacSignedRequests: needs masterKey/)
  })

  it('behavior: the secret is shown once, stored sealed only, and signs requests; another secret does not', async () => {
    server = await startTestServer({ masterKey: MASTER_KEY, hmacSignedRequests: true })
    owner = await signedIn(server)
    const response = await create()
    expect(response.statusCode).toBe(201)
    const { id, secret, alg, credential } = response.json()
    expect({ alg, credential }).toEqual({ alg: 'hmac-sha256', credential: 'hmac' })
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32)
    const cells = cellsAsText(await dumpDatabase(server.stores))
    const raw = Buffer.from(secret, 'base64url')
    expect(cells.some((cell) => cell.includes(secret) || cell.includes(raw.toString('hex')))).toBe(false)

    const ok = await hmacRequest(server, id, secret)
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['x-sigil-credential']).toBe('api_key_signed')
    const wrong = await hmacRequest(server, id, randomBytes(32).toString('base64url'))
    expectProblem(wrong, 401, 'HTTP_SIGNATURE_INVALID')
    expectProblem(await hmacRequest(server, id, secret, '/v1/verify/trade'), 403, 'SCOPE_MISSING')
  })

  it('behavior: rotation shows a new secret once; the old one signs for the grace period only', async () => {
    server = await startTestServer({ masterKey: MASTER_KEY, hmacSignedRequests: true })
    owner = await signedIn(server)
    const { id, secret } = (await create()).json()
    const rotated = await rotateKey(server, owner, id, { gracePeriodSeconds: 30 })
    expect(rotated.statusCode).toBe(200)
    const fresh = rotated.json().secret
    expect(fresh).not.toBe(secret)
    expect((await hmacRequest(server, id, fresh)).statusCode).toBe(200)
    server.clock.advance(1000)
    expect((await hmacRequest(server, id, secret)).statusCode).toBe(200)
    server.clock.advance(30_000)
    expectProblem(await hmacRequest(server, id, secret), 401, 'HTTP_SIGNATURE_INVALID')
  })

  it('attack: hmac keys created while enabled stop verifying once the variant is turned off', async () => {
    server = await startTestServer({ masterKey: MASTER_KEY, hmacSignedRequests: true })
    owner = await signedIn(server)
    const { id, secret } = (await create()).json()
    const off = await startTestServer(
      { masterKey: MASTER_KEY },
      { stores: server.stores, clock: server.clock },
    )
    try {
      expectProblem(await hmacRequest(off, id, secret), 401, 'API_KEY_INVALID')
    } finally {
      await off.app.close()
    }
  })
})
