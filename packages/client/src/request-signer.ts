/**
 * What `createSigilClient({ signer })` needs of a signer: the key id, and a function that returns
 * the RFC 9421 fields (`Signature-Input`, `Signature`, and `Content-Digest` for a body) for one
 * request. Only a type here, so the default bundle carries no crypto: the implementations live in
 * the opt-in `@sigil/client/signer` (`createRequestSigner`, `createWebCryptoRequestSigner`).
 */
export interface SigilRequestSigner {
  readonly keyId: string
  signRequest(request: RequestToSign): Promise<Record<string, string>>
}

export interface RequestToSign {
  method: string
  /** The absolute URL the request goes to. */
  url: string
  /** The request's other header fields, lower-case names. */
  headers: Readonly<Record<string, string>>
  /** The body exactly as sent (UTF-8 text), if any. */
  body: string | undefined
  /** The client's clock, epoch ms (the signature's `created`). */
  now: number
}
