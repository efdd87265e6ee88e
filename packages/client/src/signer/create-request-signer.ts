import {
  type AsymmetricHttpSignatureAlgorithm,
  createHttpRequestSigner,
} from '@sigil/protocol/http-signatures'
import { SigilError } from '../errors.js'
import type { SigilRequestSigner } from '../request-signer.js'
import { type NonceSource, sigilRequestSigner } from './sigil-request-signer.js'
import { type JwkLike, readPrivateJwk } from './signing-jwk.js'

export interface RequestSignerOptions {
  /** The API key id Sigil gave when the public key was registered (the `keyid`). */
  keyId: string
  /**
   * A private JWK (OKP Ed25519 or EC P-256; its algorithm follows from it), or the raw private
   * key bytes (32) with `alg`.
   */
  privateKey: JwkLike | Uint8Array
  /** Required with raw bytes; with a JWK it must match the key's type if given. */
  alg?: AsymmetricHttpSignatureAlgorithm
  /** A fresh nonce per request (default: 128 random bits), or `false` for none. */
  nonce?: NonceSource
}

/**
 * Signs every request in JavaScript (@noble/curves): the same in browsers and Node, and the key
 * may come from a file. In a browser, prefer a non-extractable WebCrypto key
 * (`createWebCryptoRequestSigner`), which script cannot read out.
 */
export function createRequestSigner(options: RequestSignerOptions): SigilRequestSigner {
  let alg: AsymmetricHttpSignatureAlgorithm
  let privateKey: Uint8Array
  if (options.privateKey instanceof Uint8Array) {
    if (options.alg === undefined) {
      throw new SigilError({ code: 'INVALID_SIGNING_KEY', detail: 'raw key bytes need `alg`' })
    }
    alg = options.alg
    privateKey = options.privateKey
  } else {
    ;({ alg, privateKey } = readPrivateJwk(options.privateKey))
    if (options.alg !== undefined && options.alg !== alg) {
      throw new SigilError({ code: 'INVALID_SIGNING_KEY', detail: `the JWK is not an ${options.alg} key` })
    }
  }
  const signer = createHttpRequestSigner({ keyId: options.keyId, alg, privateKey })
  if (!signer.ok)
    throw new SigilError({ code: 'INVALID_SIGNING_KEY', detail: `not a valid ${alg} private key` })
  return sigilRequestSigner(signer.value, options.nonce)
}
