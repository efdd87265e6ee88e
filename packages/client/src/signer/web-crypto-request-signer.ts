import type { HttpSignatureAlgorithm } from '@sigil/protocol/http-signatures'
import { SigilError } from '../errors.js'
import type { SigilRequestSigner } from '../request-signer.js'
import { type NonceSource, sigilRequestSigner } from './sigil-request-signer.js'

// Named through `crypto.subtle` rather than the DOM's global names, so the types are the same under
// the DOM lib (the SDK's build) and Node's (the tests').
type SubtleSign = typeof crypto.subtle.sign
type SigningCryptoKey = Parameters<SubtleSign>[1]
type SignParams = Parameters<SubtleSign>[0]

export interface WebCryptoRequestSignerOptions {
  keyId: string
  /**
   * A WebCrypto private key with the `sign` usage: `Ed25519`, or `ECDSA` on `P-256` (WebCrypto's
   * ECDSA signature is already the raw `r ‖ s` RFC 9421 wants). It may be non-extractable.
   */
  privateKey: SigningCryptoKey
  nonce?: NonceSource
}

function algorithmOf(key: SigningCryptoKey): { alg: HttpSignatureAlgorithm; params: SignParams } {
  const algorithm = key.algorithm as { name: string; namedCurve?: string }
  if (algorithm.name === 'Ed25519') return { alg: 'ed25519', params: { name: 'Ed25519' } }
  if (algorithm.name === 'ECDSA' && algorithm.namedCurve === 'P-256') {
    return { alg: 'ecdsa-p256-sha256', params: { name: 'ECDSA', hash: 'SHA-256' } }
  }
  throw new SigilError({
    code: 'INVALID_SIGNING_KEY',
    detail: `a ${algorithm.name} key: only Ed25519 and ECDSA P-256 sign Sigil requests`,
  })
}

/** Signs with `crypto.subtle`: the private key never has to be visible to script. */
export function createWebCryptoRequestSigner(options: WebCryptoRequestSignerOptions): SigilRequestSigner {
  const { privateKey } = options
  if (privateKey.type !== 'private' || !privateKey.usages.includes('sign')) {
    throw new SigilError({
      code: 'INVALID_SIGNING_KEY',
      detail: 'a private key with the `sign` usage is needed',
    })
  }
  const { alg, params } = algorithmOf(privateKey)
  return sigilRequestSigner(
    {
      keyId: options.keyId,
      alg,
      sign: async (base) =>
        new Uint8Array(await crypto.subtle.sign(params, privateKey, Uint8Array.from(base))),
    },
    options.nonce,
  )
}
