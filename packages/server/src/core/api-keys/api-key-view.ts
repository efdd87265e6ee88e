import {
  type HttpSignatureAlgorithm,
  httpSignatureAlgorithmOf,
  type PublicKeyJwk,
} from '@sigil/protocol/http-signatures'
import { calculateJwkThumbprint } from 'jose'
import type { ApiKey, ApiKeyCredentialKind } from '../ports.js'
import type { ApiKeyScope } from '../scopes.js'
import { maskApiKey } from './api-key-secret.js'

export type ApiKeyStatus = 'active' | 'expired' | 'revoked'

/** What lists show: metadata only, never a secret or its hash. */
export interface ApiKeyView {
  id: string
  name: string
  scope: ApiKeyScope
  allowedIps: string[]
  status: ApiKeyStatus
  /** `secret`: a bearer key; `public-key` / `hmac`: a signed-request key (RFC 9421). */
  credential: ApiKeyCredentialKind
  /** A secret key: `sgl_sk_<id>…<last four>`. A signed-request key: its id (the `keyid`). */
  masked: string
  /** Signed-request keys: the algorithm its signatures must use (from the key, never the request). */
  alg?: HttpSignatureAlgorithm
  /** Public-key keys: RFC 7638 SHA-256 thumbprint of the public JWK (base64url). */
  thumbprint?: string
  /** Public-key keys: the registered public JWK (public members only). */
  publicKey?: PublicKeyJwk
  createdAt: number
  expiresAt?: number
  revokedAt?: number
  lastUsedAt?: number
  lastUsedIp?: string
}

export const statusOf = (key: ApiKey, now: number): ApiKeyStatus =>
  key.revokedAt !== undefined
    ? 'revoked'
    : key.expiresAt !== undefined && key.expiresAt <= now
      ? 'expired'
      : 'active'

/** RFC 7638 thumbprint (SHA-256, base64url) of a registered public key. */
export const thumbprintOf = (jwk: PublicKeyJwk): Promise<string> => calculateJwkThumbprint(jwk, 'sha256')

export async function viewOf(key: ApiKey, now: number): Promise<ApiKeyView> {
  const { credential } = key
  const shown =
    credential.kind === 'secret'
      ? { masked: maskApiKey(key.id, credential.secretTail) }
      : credential.kind === 'hmac'
        ? { masked: key.id, alg: 'hmac-sha256' as const }
        : {
            masked: key.id,
            alg: httpSignatureAlgorithmOf(credential.publicKey),
            thumbprint: await thumbprintOf(credential.publicKey),
            publicKey: credential.publicKey,
          }
  return {
    id: key.id,
    name: key.name,
    scope: key.scope,
    allowedIps: key.allowedIps,
    status: statusOf(key, now),
    credential: credential.kind,
    ...shown,
    createdAt: key.createdAt,
    ...(key.expiresAt === undefined ? {} : { expiresAt: key.expiresAt }),
    ...(key.revokedAt === undefined ? {} : { revokedAt: key.revokedAt }),
    ...(key.lastUsedAt === undefined ? {} : { lastUsedAt: key.lastUsedAt }),
    ...(key.lastUsedIp === undefined ? {} : { lastUsedIp: key.lastUsedIp }),
  }
}
