/**
 * `verifyHttpSignature` against an independent signer (dhensby's `http-message-signatures`, which
 * uses node:crypto), in both directions, and attacked rule by rule: every mutation of a request
 * that a peer signed correctly must be refused with its own reason.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto'
import { p256 } from '@noble/curves/nist.js'
import { createSigner, createVerifier, httpbis, type Request } from 'http-message-signatures'
import { describe, expect, it } from 'vitest'
import { buildSignatureBase } from './build-signature-base.js'
import { createContentDigest } from './content-digest.js'
import { parseSignatureInput } from './parse-signature-fields.js'
import type { HttpSignatureAlgorithm, HttpSignatureKey } from './signature-algorithms.js'
import type { SignedRequest } from './signed-request.js'
import {
  type HttpSignatureReason,
  SIGIL_REQUIRED_COMPONENTS,
  type VerifyHttpSignatureOptions,
  verifyHttpSignature,
} from './verify-http-signature.js'

const NOW_SECONDS = 1_760_000_000
const NOW = NOW_SECONDS * 1000

interface PeerKey {
  id: string
  alg: HttpSignatureAlgorithm
  signingKey: KeyObject | Buffer
  verifyKey: HttpSignatureKey
}

function ed25519PeerKey(id = 'key-ed25519'): PeerKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const x = publicKey.export({ format: 'jwk' }).x ?? ''
  return {
    id,
    alg: 'ed25519',
    signingKey: privateKey,
    verifyKey: { alg: 'ed25519', publicKey: Buffer.from(x, 'base64url') },
  }
}

function p256PeerKey(id = 'key-p256'): PeerKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-65)
  return {
    id,
    alg: 'ecdsa-p256-sha256',
    signingKey: privateKey,
    verifyKey: { alg: 'ecdsa-p256-sha256', publicKey: raw },
  }
}

function hmacPeerKey(id = 'key-hmac'): PeerKey {
  const secret = randomBytes(32)
  return { id, alg: 'hmac-sha256', signingKey: secret, verifyKey: { alg: 'hmac-sha256', secret } }
}

const JSON_BODY = Buffer.from('{"symbol":"BTC-USD","side":"buy","size":"1"}')
const SIGNED_WITH_BODY = [...SIGIL_REQUIRED_COMPONENTS, 'content-digest', 'content-type']

interface PeerRequestOptions {
  method?: string
  url?: string
  body?: Buffer | null
  headers?: Record<string, string>
  fields?: string[]
  params?: string[]
  paramValues?: Record<string, string | Date>
  name?: string
}

/** Signs a request with the peer library, as a trading bot would send it. */
async function peerSign(key: PeerKey, options: PeerRequestOptions = {}): Promise<Request> {
  const body = options.body === undefined ? JSON_BODY : options.body
  const headers: Record<string, string> = {
    host: 'api.sigil.test',
    ...(body === null
      ? {}
      : { 'content-type': 'application/json', 'content-digest': createContentDigest(body) }),
    ...options.headers,
  }
  const request: Request = {
    method: options.method ?? 'POST',
    url: options.url ?? 'https://api.sigil.test/v1/orders?venue=evedex&dry=1',
    headers,
  }
  return httpbis.signMessage(
    {
      key: createSigner(key.signingKey, key.alg, key.id),
      fields: options.fields ?? (body === null ? [...SIGIL_REQUIRED_COMPONENTS] : SIGNED_WITH_BODY),
      params: options.params ?? ['keyid', 'alg', 'created', 'nonce'],
      paramValues: { created: new Date(NOW), nonce: 'n-1', ...options.paramValues },
      ...(options.name === undefined ? {} : { name: options.name }),
    },
    request,
  )
}

/** The peer's request as our transport would hand it over. */
function asSigned(request: Request, body: Buffer | null = JSON_BODY): SignedRequest {
  const url = new URL(request.url)
  return {
    method: request.method,
    scheme: url.protocol === 'http:' ? 'http' : 'https',
    authority: url.host,
    target: `${url.pathname}${url.search}`,
    headers: request.headers,
    body,
  }
}

function verify(key: PeerKey, request: SignedRequest, overrides: Partial<VerifyHttpSignatureOptions> = {}) {
  return verifyHttpSignature({
    request,
    resolveKey: (keyId) => (keyId === key.id ? key.verifyKey : undefined),
    now: NOW,
    maxAgeSeconds: 30,
    clockSkewSeconds: 5,
    requiredComponents: SIGIL_REQUIRED_COMPONENTS,
    ...overrides,
  })
}

const refused = (reason: HttpSignatureReason) => ({ ok: false, reason })

describe('verifyHttpSignature with a peer signer', () => {
  it.each([ed25519PeerKey, p256PeerKey, hmacPeerKey])(
    'accepts what the peer signed (%o)',
    async (makeKey) => {
      const key = makeKey()
      const result = await verify(key, asSigned(await peerSign(key)))
      expect(result).toMatchObject({
        ok: true,
        value: {
          keyId: key.id,
          alg: key.alg,
          created: NOW_SECONDS,
          nonce: 'n-1',
          coveredComponents: SIGNED_WITH_BODY,
        },
      })
    },
  )

  it('accepts a GET without a body, covering every derived component, on a non-default port', async () => {
    const key = ed25519PeerKey()
    const fields = ['@method', '@authority', '@path', '@query', '@target-uri', '@scheme', '@request-target']
    const request = await peerSign(key, {
      method: 'GET',
      url: 'https://API.sigil.test:8443/v1/balances',
      body: null,
      fields,
    })
    // The transport hands over the authority as the client sent it (URL parsing would lower-case it).
    const result = await verify(key, {
      ...asSigned(request, Buffer.alloc(0)),
      authority: 'API.sigil.test:8443',
    })
    expect(result.ok).toBe(true)
    expect(result.ok && result.value.signatureBase.split('\n').slice(0, 7)).toEqual([
      '"@method": GET',
      '"@authority": api.sigil.test:8443',
      '"@path": /v1/balances',
      '"@query": ?',
      '"@target-uri": https://API.sigil.test:8443/v1/balances',
      '"@scheme": https',
      '"@request-target": /v1/balances',
    ])
  })

  it('the peer verifies a request signed over our signature base (the other direction)', async () => {
    const secretKey = p256.utils.randomSecretKey()
    const publicKey = p256.getPublicKey(secretKey, false)
    const key: PeerKey = {
      id: 'ours',
      alg: 'ecdsa-p256-sha256',
      signingKey: Buffer.alloc(0),
      verifyKey: { alg: 'ecdsa-p256-sha256', publicKey },
    }
    // Our signature base (from our parser and builder), signed with noble; the peer must accept it.
    const input = `sig=("@method" "@authority" "@path" "@query" "content-digest" "content-type");created=${NOW_SECONDS};keyid="ours"`
    const template = await peerSign(hmacPeerKey('ours'))
    const unsigned = { ...template, headers: { ...template.headers, 'Signature-Input': input } }
    const parsed = parseSignatureInput(input)
    const member = parsed.ok ? parsed.value.get('sig') : undefined
    if (member === undefined) throw new Error('unparsable input')
    const built = buildSignatureBase(asSigned(unsigned), member.components, member.serialized)
    if (!built.ok) throw new Error(built.reason)
    const base = built.value
    const signature = Buffer.from(p256.sign(new TextEncoder().encode(base), secretKey, { prehash: true }))
    const signed: Request = {
      ...unsigned,
      headers: { ...unsigned.headers, Signature: `sig=:${signature.toString('base64')}:` },
    }
    expect((await verify(key, asSigned(signed), { requiredComponents: SIGNED_WITH_BODY })).ok).toBe(true)
    const peerVerdict = await httpbis.verifyMessage(
      {
        keyLookup: async () => ({
          id: 'ours',
          algs: ['ecdsa-p256-sha256'],
          verify: createVerifier(
            createPublicKey({
              key: {
                kty: 'EC',
                crv: 'P-256',
                x: b64u(publicKey.subarray(1, 33)),
                y: b64u(publicKey.subarray(33)),
              },
              format: 'jwk',
            }),
            'ecdsa-p256-sha256',
          ),
        }),
      },
      signed,
    )
    expect(peerVerdict).toBe(true)
  })
})

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')

describe('verifyHttpSignature under attack', () => {
  it('a replayed request verifies to the same signature base hash, whatever the signature encoding', async () => {
    const key = p256PeerKey()
    const request = asSigned(await peerSign(key))
    const first = await verify(key, request)
    const again = await verify(key, request)
    // ECDSA s -> n - s is another valid signature for the same base: the replay key must not move.
    const signatureField = String(request.headers.Signature)
    const bytes = Buffer.from(signatureField.slice(signatureField.indexOf(':') + 1, -1), 'base64')
    const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`)
    const flipped = Buffer.concat([
      bytes.subarray(0, 32),
      Buffer.from((p256.Point.CURVE().n - s).toString(16).padStart(64, '0'), 'hex'),
    ])
    const malleated = await verify(key, {
      ...request,
      headers: { ...request.headers, Signature: `sig=:${flipped.toString('base64')}:` },
    })
    expect(first.ok && again.ok && malleated.ok).toBe(true)
    if (!first.ok || !again.ok || !malleated.ok) return
    expect(again.value.signatureBaseHash).toBe(first.value.signatureBaseHash)
    expect(malleated.value.signatureBaseHash).toBe(first.value.signatureBaseHash)
  })

  it('refuses a stale, a future and an expired signature', async () => {
    const key = ed25519PeerKey()
    const stale = asSigned(await peerSign(key, { paramValues: { created: new Date(NOW - 31_000) } }))
    expect(await verify(key, stale)).toEqual(refused('signature_too_old'))
    const future = asSigned(await peerSign(key, { paramValues: { created: new Date(NOW + 6_000) } }))
    expect(await verify(key, future)).toEqual(refused('created_in_future'))
    const skewed = asSigned(await peerSign(key, { paramValues: { created: new Date(NOW + 5_000) } }))
    expect((await verify(key, skewed)).ok).toBe(true)
    const expired = asSigned(
      await peerSign(key, {
        params: ['keyid', 'created', 'expires'],
        paramValues: { created: new Date(NOW - 10_000), expires: new Date(NOW) },
      }),
    )
    expect(await verify(key, expired)).toEqual(refused('signature_expired'))
    expect(await verify(key, asSigned(await peerSign(key)), { now: Number.NaN })).toEqual(
      refused('created_in_future'),
    )
  })

  it.each([
    ['method', (r: SignedRequest) => ({ ...r, method: 'DELETE' })],
    ['path', (r: SignedRequest) => ({ ...r, target: r.target.replace('/v1/orders', '/v1/withdrawals') })],
    ['query', (r: SignedRequest) => ({ ...r, target: r.target.replace('dry=1', 'dry=0') })],
    ['query removed', (r: SignedRequest) => ({ ...r, target: r.target.slice(0, r.target.indexOf('?')) })],
    ['authority', (r: SignedRequest) => ({ ...r, authority: 'evil.example' })],
    ['port', (r: SignedRequest) => ({ ...r, authority: 'api.sigil.test:8443' })],
    [
      'covered header',
      (r: SignedRequest) => ({ ...r, headers: { ...r.headers, 'content-type': 'text/plain' } }),
    ],
  ])('refuses a request whose %s changed', async (_, mutate) => {
    const key = ed25519PeerKey()
    const request = asSigned(await peerSign(key))
    expect((await verify(key, request)).ok).toBe(true)
    expect(await verify(key, mutate(request))).toEqual(refused('bad_signature'))
  })

  it('refuses a swapped body (the digest no longer matches) and a body without a digest', async () => {
    const key = ed25519PeerKey()
    const request = asSigned(await peerSign(key))
    const swapped = { ...request, body: Buffer.from('{"symbol":"BTC-USD","side":"buy","size":"100"}') }
    expect(await verify(key, swapped)).toEqual(refused('content_digest_mismatch'))
    const noDigest = asSigned(await peerSign(key, { fields: [...SIGIL_REQUIRED_COMPONENTS] }))
    expect(await verify(key, noDigest)).toEqual(refused('missing_required_component'))
    const badDigest = { ...request, headers: { ...request.headers, 'content-digest': 'sha-256=:AAAA:' } }
    expect(await verify(key, badDigest)).toEqual(refused('invalid_content_digest'))
    const unknownOnly = { ...request, headers: { ...request.headers, 'content-digest': 'md5=:AAAA:' } }
    expect(await verify(key, unknownOnly)).toEqual(refused('invalid_content_digest'))
  })

  it.each(['@method', '@authority', '@path', '@query'])(
    'refuses a signature that does not cover %s',
    async (name) => {
      const key = ed25519PeerKey()
      const request = asSigned(
        await peerSign(key, { fields: SIGNED_WITH_BODY.filter((field) => field !== name) }),
      )
      expect(await verify(key, request)).toEqual(refused('missing_required_component'))
    },
  )

  it('refuses an alg other than the key’s, and takes the algorithm from the key only', async () => {
    const key = ed25519PeerKey()
    const claimsHmac = asSigned(await peerSign(key, { paramValues: { alg: 'hmac-sha256' } }))
    expect(await verify(key, claimsHmac)).toEqual(refused('alg_mismatch'))
    // An HMAC "signature" made with the public key as the secret (the classic confusion) fails.
    const confused = hmacPeerKey(key.id)
    const forged = asSigned(
      await peerSign(
        { ...confused, signingKey: Buffer.from((key.verifyKey as { publicKey: Uint8Array }).publicKey) },
        { params: ['keyid', 'created'] },
      ),
    )
    expect(await verify(key, forged)).toEqual(refused('invalid_signature_encoding'))
  })

  it('refuses truncated, padded and garbage signatures', async () => {
    const key = ed25519PeerKey()
    const request = asSigned(await peerSign(key))
    const signature = String(request.headers.Signature)
    const bytes = Buffer.from(signature.slice(signature.indexOf(':') + 1, -1), 'base64')
    const withSignature = (value: string) => ({
      ...request,
      headers: { ...request.headers, Signature: value },
    })
    expect(await verify(key, withSignature(`sig=:${bytes.subarray(0, 63).toString('base64')}:`))).toEqual(
      refused('invalid_signature_encoding'),
    )
    expect(
      await verify(key, withSignature(`sig=:${Buffer.concat([bytes, Buffer.alloc(1)]).toString('base64')}:`)),
    ).toEqual(refused('invalid_signature_encoding'))
    expect(await verify(key, withSignature(`sig=:${Buffer.alloc(64).toString('base64')}:`))).toEqual(
      refused('bad_signature'),
    )
    expect(await verify(key, withSignature('sig=:not base64!:'))).toEqual(refused('malformed_signature'))
    expect(await verify(key, withSignature('sig="text"'))).toEqual(refused('malformed_signature'))
    expect(await verify(key, withSignature('sig2=:AAAA:'))).toEqual(refused('label_not_found'))
  })

  it('refuses a duplicated label, in one field line or across two', async () => {
    const key = ed25519PeerKey()
    const request = asSigned(await peerSign(key))
    const input = String(request.headers['Signature-Input'])
    const evil = input.replace('"@method"', '"@authority"').replace('sig=', 'sig=')
    const twice = { ...request, headers: { ...request.headers, 'Signature-Input': `${input}, ${evil}` } }
    expect(await verify(key, twice)).toEqual(refused('duplicate_label'))
    const lines = { ...request, headers: { ...request.headers, 'Signature-Input': [input, input] } }
    expect(await verify(key, lines)).toEqual(refused('duplicate_label'))
    const signatures = {
      ...request,
      headers: { ...request.headers, Signature: [String(request.headers.Signature), 'sig=:AAAA:'] },
    }
    expect(await verify(key, signatures)).toEqual(refused('duplicate_label'))
  })

  it('refuses two signatures when no label is asked for, and verifies the one asked for', async () => {
    const key = ed25519PeerKey()
    const one = await peerSign(key)
    const two = await peerSign(key, { name: 'other' })
    const both = asSigned({
      ...one,
      headers: {
        ...one.headers,
        'Signature-Input': `${one.headers['Signature-Input']}, ${two.headers['Signature-Input']}`,
        Signature: `${one.headers.Signature}, ${two.headers.Signature}`,
      },
    })
    expect(await verify(key, both)).toEqual(refused('ambiguous_label'))
    expect(await verify(key, both, { label: 'other' })).toMatchObject({ ok: true, value: { label: 'other' } })
  })

  it('refuses component name case tricks, component parameters and a component covered twice', async () => {
    const key = ed25519PeerKey()
    const withInput = async (fields: string) => {
      const request = asSigned(await peerSign(key))
      const input = String(request.headers['Signature-Input']).replace(/\(.*\)/, `(${fields})`)
      return verify(key, { ...request, headers: { ...request.headers, 'Signature-Input': input } })
    }
    const required = '"@method" "@authority" "@path" "@query" "content-digest"'
    expect(await withInput(`${required} "Content-Type"`)).toEqual(refused('invalid_component'))
    expect(await withInput(`"@METHOD" "@method" "@authority" "@path" "@query" "content-digest"`)).toEqual(
      refused('invalid_component'),
    )
    expect(await withInput(`${required} "content-type";sf`)).toEqual(refused('invalid_component'))
    expect(await withInput(`${required} "content-type";bs`)).toEqual(refused('invalid_component'))
    expect(await withInput(`${required} "@query-param";name="venue"`)).toEqual(refused('invalid_component'))
    expect(await withInput(`${required} "@status"`)).toEqual(refused('invalid_component'))
    expect(await withInput(`${required} "@signature-params"`)).toEqual(refused('invalid_component'))
    expect(await withInput(`${required} "content-type" "content-type"`)).toEqual(refused('invalid_component'))
    expect(await withInput(`${required} "x-absent"`)).toEqual(refused('missing_covered_field'))
    expect(await withInput(`${required} content-type`)).toEqual(refused('malformed_signature_input'))
  })

  it('refuses an unknown key, missing or unknown parameters and missing headers', async () => {
    const key = ed25519PeerKey()
    const request = asSigned(await peerSign(key))
    expect(await verify(key, request, { resolveKey: () => undefined })).toEqual(refused('unknown_key'))
    const withParams = (suffix: string) => {
      const input = String(request.headers['Signature-Input']).replace(/\).*$/, `)${suffix}`)
      return verify(key, { ...request, headers: { ...request.headers, 'Signature-Input': input } })
    }
    expect(await withParams(`;keyid="${key.id}"`)).toEqual(refused('invalid_signature_params'))
    expect(await withParams(`;created=${NOW_SECONDS}`)).toEqual(refused('invalid_signature_params'))
    expect(await withParams(`;created="${NOW_SECONDS}";keyid="${key.id}"`)).toEqual(
      refused('invalid_signature_params'),
    )
    expect(await withParams(`;created=${NOW_SECONDS};keyid="${key.id}";extra=1`)).toEqual(
      refused('invalid_signature_params'),
    )
    expect(await withParams(`;created=${NOW_SECONDS};expires=${NOW_SECONDS};keyid="${key.id}"`)).toEqual(
      refused('invalid_signature_params'),
    )
    const { Signature: _, ...unsigned } = request.headers
    expect(await verify(key, { ...request, headers: unsigned })).toEqual(refused('missing_signature'))
    expect(await verify(key, { ...request, target: 'https://api.sigil.test/v1/orders' })).toEqual(
      refused('invalid_request_target'),
    )
  })
})
