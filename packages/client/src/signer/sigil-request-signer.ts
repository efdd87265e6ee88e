import { type HttpRequestSigner, signHttpRequest } from '@sigil/protocol/http-signatures'
import { SigilError } from '../errors.js'
import type { SigilRequestSigner } from '../request-signer.js'
import { toBase64Url } from './base64url.js'

/** `() => string` for a nonce per request, `false` for none. */
export type NonceSource = (() => string) | false

/**
 * 128 random bits. Sigil refuses a signature base it has already accepted, so two identical calls
 * in the same second (same `created`) would collide without a nonce.
 */
export const randomNonce = (): string => toBase64Url(crypto.getRandomValues(new Uint8Array(16)))

/** Wraps a protocol signer into what the client calls per request. */
export function sigilRequestSigner(
  signer: HttpRequestSigner,
  nonce: NonceSource = randomNonce,
): SigilRequestSigner {
  return {
    keyId: signer.keyId,
    async signRequest({ method, url, headers, body, now }) {
      let signed: Awaited<ReturnType<typeof signHttpRequest>>
      try {
        signed = await signHttpRequest({
          method,
          url,
          headers,
          body: body ?? null,
          signer,
          created: Math.floor(now / 1000),
          ...(nonce === false ? {} : { nonce: nonce() }),
        })
      } catch (cause) {
        throw new SigilError({ code: 'SIGNING_FAILED', detail: 'the signer failed', cause })
      }
      if (!signed.ok) throw new SigilError({ code: 'SIGNING_FAILED', detail: signed.reason })
      return { ...signed.value.headers }
    },
  }
}
