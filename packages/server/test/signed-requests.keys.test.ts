import { generateKeyPairSync } from 'node:crypto'
import { calculateJwkThumbprint } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  cellsAsText,
  createKey,
  createKeyRequest,
  dumpDatabase,
  listKeys,
  revokeKey,
  rotateKey,
  type SignedIn,
  signedIn,
  useSignedInServer,
} from './support/api-keys.js'
import { expectProblem } from './support/problem.js'
import { newKeyPair } from './support/signed-requests.js'
import type { TestServer } from './support/test-server.js'

const DAY = 86_400_000
const publicJwk = (kind: 'ed25519' | 'p256' = 'ed25519') => {
  const pair = newKeyPair(kind === 'ed25519' ? 'ed25519' : 'ecdsa-p256-sha256')
  return {
    publicKey: pair.publicJwk,
    privateKey: pair.privateKey.export({ format: 'jwk' }) as Record<string, string>,
  }
}

/** Registering, listing, rotating and revoking signed-request keys (public keys, RFC 9421). */
describe('signed-request keys: POST /v1/api-keys with a publicKey', () => {
  let server: TestServer
  let owner: SignedIn
  useSignedInServer((started) => ({ server, owner } = started))

  it('default: an Ed25519 and a P-256 JWK register a key: 201, its id, alg and thumbprint, and no secret', async () => {
    for (const [kind, alg] of [
      ['ed25519', 'ed25519'],
      ['p256', 'ecdsa-p256-sha256'],
    ] as const) {
      const { publicKey } = publicJwk(kind)
      const response = await createKeyRequest(server, owner, {
        name: `bot ${kind}`,
        scope: 'trade',
        publicKey,
        allowedIps: ['203.0.113.0/24'],
        expiresInDays: 30,
      })
      expect(response.statusCode).toBe(201)
      expect(response.headers['cache-control']).toBe('no-store')
      const body = response.json()
      const { x, y, crv, kty } = publicKey
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9A-Za-z]{16}$/),
        name: `bot ${kind}`,
        scope: 'trade',
        allowedIps: ['203.0.113.0/24'],
        status: 'active',
        credential: 'public-key',
        masked: body.id,
        alg,
        thumbprint: await calculateJwkThumbprint(publicKey as never),
        publicKey: { kty, crv, x, ...(y === undefined ? {} : { y }) },
        createdAt: new Date(server.clock.now()).toISOString(),
        expiresAt: new Date(server.clock.now() + 30 * DAY).toISOString(),
        lastUsedAt: null,
        lastUsedIp: null,
      })
      expect(body).not.toHaveProperty('secret')
    }
  })

  it('behavior: only the public key is stored; the list shows it with alg and thumbprint; audit names the origin', async () => {
    const { publicKey } = publicJwk()
    const created = (await createKeyRequest(server, owner, { name: 'bot', scope: 'read', publicKey })).json()
    const listed = (await listKeys(server, owner)).json().apiKeys
    expect(listed).toEqual([expect.objectContaining({ id: created.id, credential: 'public-key' })])
    expect(listed[0].thumbprint).toBe(created.thumbprint)
    const dump = await dumpDatabase(server.stores)
    const row = dump.api_keys!.find((r) => r.id === created.id)!
    expect(row.credential).toBe('public-key')
    expect(JSON.parse(String(row.public_key))).toEqual({ kty: 'OKP', crv: 'Ed25519', x: publicKey.x })
    expect(Buffer.from(row.secret_hash as Uint8Array)).toHaveLength(0)
    const audit = dump.audit_events!.find((r) => r.type === 'api_key.created')!
    expect(JSON.parse(String(audit.detail))).toMatchObject({
      key: created.id,
      credential: 'public-key',
      origin: 'session',
      alg: 'ed25519',
      thumbprint: created.thumbprint,
    })
  })

  it('attack: a JWK with its private key is refused and nothing of it is stored', async () => {
    const { privateKey } = publicJwk()
    const response = await createKeyRequest(server, owner, {
      name: 'bot',
      scope: 'read',
      publicKey: privateKey,
    })
    expectProblem(response, 400, 'JWK_PRIVATE_KEY')
    const ec = publicJwk('p256').privateKey
    expectProblem(
      await createKeyRequest(server, owner, { name: 'bot', scope: 'read', publicKey: ec }),
      400,
      'JWK_PRIVATE_KEY',
    )
    const cells = cellsAsText(await dumpDatabase(server.stores))
    expect(cells.some((cell) => cell.includes(privateKey.d!) || cell.includes(ec.d!))).toBe(false)
    expect((await listKeys(server, owner)).json().apiKeys).toEqual([])
  })

  it('attack: other key types and curves, bad lengths and points off the curve are refused with their code', async () => {
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' })
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' })
    const { publicKey: ed } = publicJwk()
    const { publicKey: ec } = publicJwk('p256')
    const y = Buffer.from(ec.y!, 'base64url')
    y[0] = y[0]! ^ 1
    const cases: [unknown, string, string][] = [
      [k1, 'JWK_UNSUPPORTED', 'unsupported_curve'],
      [rsa, 'JWK_UNSUPPORTED', 'unsupported_key_type'],
      [{ ...ed, crv: 'X25519' }, 'JWK_UNSUPPORTED', 'unsupported_curve'],
      [{ ...ed, x: ed.x!.slice(2) }, 'JWK_INVALID', 'invalid_coordinate'],
      [{ ...ec, y: y.toString('base64url') }, 'JWK_INVALID', 'point_not_on_curve'],
      [{ ...ed, alg: 'ES256' }, 'JWK_INVALID', 'alg_mismatch'],
    ]
    for (const [publicKey, code, detail] of cases) {
      const response = await createKeyRequest(server, owner, { name: 'bot', scope: 'read', publicKey })
      expectProblem(response, 400, code)
      expect(response.json().detail).toBe(detail)
    }
    expect((await listKeys(server, owner)).json().apiKeys).toEqual([])
  })

  it('attack: an API key cannot register a public key (key management needs a wallet sign-in)', async () => {
    const { secret } = await createKey(server, owner, { scope: 'trade' })
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { 'x-api-key': secret },
      payload: { name: 'bot', scope: 'trade', publicKey: publicJwk().publicKey },
    })
    expectProblem(response, 403, 'SCOPE_MISSING')
  })

  it('behavior: rotate registers a new public key under the same id; a kind mismatch is 409; revoke works', async () => {
    const first = publicJwk()
    const created = (
      await createKeyRequest(server, owner, { name: 'bot', scope: 'read', publicKey: first.publicKey })
    ).json()
    const second = publicJwk('p256')
    const rotated = await rotateKey(server, owner, created.id, {
      publicKey: second.publicKey,
      gracePeriodSeconds: 60,
    })
    expect(rotated.statusCode).toBe(200)
    expect(rotated.json()).toMatchObject({
      id: created.id,
      credential: 'public-key',
      alg: 'ecdsa-p256-sha256',
      thumbprint: await calculateJwkThumbprint(second.publicKey as never),
    })
    expect(rotated.json()).not.toHaveProperty('secret')

    // A public-key key is not turned into a secret one, nor a secret key into a public-key one.
    expectProblem(await rotateKey(server, owner, created.id), 409, 'API_KEY_CREDENTIAL_MISMATCH')
    const secretKey = await createKey(server, owner)
    expectProblem(
      await rotateKey(server, owner, secretKey.id, { publicKey: publicJwk().publicKey }),
      409,
      'API_KEY_CREDENTIAL_MISMATCH',
    )
    // Another account's key is not found, whatever its kind.
    const other = await signedIn(server)
    expectProblem(
      await rotateKey(server, other, created.id, { publicKey: publicJwk().publicKey }),
      404,
      'API_KEY_NOT_FOUND',
    )
    // A private JWK on rotation is refused like on creation.
    expectProblem(
      await rotateKey(server, owner, created.id, { publicKey: publicJwk().privateKey }),
      400,
      'JWK_PRIVATE_KEY',
    )

    expect((await revokeKey(server, owner, created.id)).statusCode).toBe(204)
    const listed = (await listKeys(server, owner)).json().apiKeys
    expect(listed.find((k: { id: string }) => k.id === created.id)).toMatchObject({ status: 'revoked' })
  })
})
