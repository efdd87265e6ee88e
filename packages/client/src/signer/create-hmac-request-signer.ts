import { createHttpRequestSigner } from '@sigil/protocol/http-signatures'
import { SigilError } from '../errors.js'
import type { SigilRequestSigner } from '../request-signer.js'
import { fromBase64Url } from './base64url.js'
import { type NonceSource, sigilRequestSigner } from './sigil-request-signer.js'

export interface HmacRequestSignerOptions {
  keyId: string
  /** The shared secret as Sigil showed it (base64url, 32 bytes), or its bytes. */
  secret: string | Uint8Array
  nonce?: NonceSource
}

/**
 * Signs with an `hmac-sha256` key (the optional variant a server enables with
 * `hmacSignedRequests`, for bots that cannot hold an asymmetric key). The secret is shared with
 * Sigil, so prefer an Ed25519 key where the client can hold one.
 */
export function createHmacRequestSigner(options: HmacRequestSignerOptions): SigilRequestSigner {
  const secret = typeof options.secret === 'string' ? fromBase64Url(options.secret) : options.secret
  const signer =
    secret === undefined
      ? undefined
      : createHttpRequestSigner({ keyId: options.keyId, alg: 'hmac-sha256', privateKey: secret })
  if (!signer?.ok)
    throw new SigilError({
      code: 'INVALID_SIGNING_KEY',
      detail: 'an hmac-sha256 secret is at least 32 bytes of base64url',
    })
  return sigilRequestSigner(signer.value, options.nonce)
}
