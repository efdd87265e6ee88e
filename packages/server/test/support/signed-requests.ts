import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { createSigner, httpbis, type Request } from 'http-message-signatures'
import { createKeyRequest, type SignedIn } from './api-keys.js'
import type { TestServer } from './test-server.js'

/**
 * The peer side of RFC 9421 signed requests: key pairs from Node's crypto, signatures from the
 * independent `http-message-signatures` library (never Sigil's own code), so the server is checked
 * against another implementation's reading of the RFC.
 */

export type PeerAlg = 'ed25519' | 'ecdsa-p256-sha256'

export interface PeerKey {
  /** The registered key's id (`keyid`). */
  id: string
  alg: PeerAlg | 'hmac-sha256'
  /** The private key, or for `hmac-sha256` the shared secret. */
  privateKey: KeyObject
  /** None for `hmac-sha256`. */
  publicJwk?: Record<string, string>
}

/** A registered `hmac-sha256` key as its holder signs with it: the shared secret (base64url) shown once. */
export const hmacPeerKey = (id: string, secret: string): PeerKey => ({
  id,
  alg: 'hmac-sha256',
  privateKey: createSecretKey(Buffer.from(secret, 'base64url')),
})

export const SIGNED_HOST = 'app.example'
const REQUIRED = ['@method', '@authority', '@path', '@query']

export function newKeyPair(alg: PeerAlg = 'ed25519') {
  const pair =
    alg === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return {
    alg,
    privateKey: pair.privateKey,
    publicJwk: pair.publicKey.export({ format: 'jwk' }) as Record<string, string>,
  }
}

/** Registers a fresh key pair as a signed-request key of `owner` (POST /v1/api-keys with a publicKey). */
export async function registerSignedKey(
  server: TestServer,
  owner: SignedIn,
  body: { alg?: PeerAlg; scope?: 'read' | 'trade'; allowedIps?: string[]; expiresInDays?: number } = {},
): Promise<PeerKey> {
  const { alg = 'ed25519', ...fields } = body
  const pair = newKeyPair(alg)
  const response = await createKeyRequest(server, owner, {
    name: 'signer',
    scope: 'read',
    ...fields,
    publicKey: pair.publicJwk,
  })
  if (response.statusCode !== 201) throw new Error(`register: ${response.statusCode} ${response.body}`)
  return { id: response.json().id, ...pair }
}

export interface SignOptions {
  method?: string
  /** Path and query, as on the request line. */
  target?: string
  host?: string
  body?: string
  /** More header fields, signed when named in `fields`. */
  headers?: Record<string, string>
  /** Covered components; default the required four, plus content-digest with a body. */
  fields?: string[]
  /** Epoch ms; default the server's clock. */
  created?: number
  params?: string[]
  paramValues?: Record<string, string | Date>
  /** Sign with another private key (the keyid still names `key`). */
  signWith?: KeyObject
  /** The alg the signer signs with (default the key's). */
  signAlg?: PeerKey['alg']
}

/** RFC 9530 `Content-Digest` of a body, computed here with Node's crypto. */
export const contentDigestOf = async (body: string) => {
  const { createHash } = await import('node:crypto')
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`
}

/** The headers of a request signed by `key` (Signature-Input, Signature, and what was signed). */
export async function signHeaders(
  server: TestServer,
  key: PeerKey,
  options: SignOptions = {},
): Promise<Record<string, string>> {
  const host = options.host ?? SIGNED_HOST
  const headers: Record<string, string> = { host, ...options.headers }
  if (options.body !== undefined) {
    headers['content-type'] = headers['content-type'] ?? 'application/json'
    headers['content-digest'] = headers['content-digest'] ?? (await contentDigestOf(options.body))
  }
  const request: Request = {
    method: options.method ?? 'GET',
    url: `https://${host}${options.target ?? '/v1/verify/read'}`,
    headers,
  }
  const signed = await httpbis.signMessage(
    {
      key: createSigner(options.signWith ?? key.privateKey, options.signAlg ?? key.alg, key.id),
      fields: options.fields ?? (options.body === undefined ? REQUIRED : [...REQUIRED, 'content-digest']),
      params: options.params ?? ['keyid', 'alg', 'created'],
      paramValues: { created: new Date(options.created ?? server.clock.now()), ...options.paramValues },
    },
    request,
  )
  // Lower-case names, so a test can pick `signature-input` whatever case the library wrote.
  return Object.fromEntries(
    Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
  )
}

/** Sends `headers` (from signHeaders) as the request they sign, unless `send` says otherwise. */
export function sendSigned(
  server: TestServer,
  headers: Record<string, string>,
  send: {
    method?: string
    target?: string
    body?: string
    ip?: string
    headers?: Record<string, string>
  } = {},
): Promise<LightMyRequestResponse> {
  return server.app.inject({
    method: (send.method ?? 'GET') as NonNullable<InjectOptions['method']>,
    url: send.target ?? '/v1/verify/read',
    headers: { ...headers, ...send.headers },
    ...(send.body === undefined ? {} : { payload: send.body }),
    ...(send.ip ? { remoteAddress: send.ip } : {}),
  })
}

/** Signs and sends one request: the same method, target and body on both sides. */
export async function signedRequest(
  server: TestServer,
  key: PeerKey,
  options: SignOptions & { ip?: string } = {},
): Promise<LightMyRequestResponse> {
  const headers = await signHeaders(server, key, options)
  return sendSigned(server, headers, {
    ...(options.method ? { method: options.method } : {}),
    ...(options.target ? { target: options.target } : {}),
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.ip ? { ip: options.ip } : {}),
  })
}
