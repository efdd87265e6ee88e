/**
 * RFC 9421 §3.1: signs a request the way `verifyHttpSignature` checks it, with the same
 * `buildSignatureBase` and the same RFC 8941 serialization of `@signature-params`, so what a Sigil
 * client signs and what a Sigil server rebuilds cannot drift apart.
 *
 * By default the signature covers what Sigil requires (`@method`, `@authority`, `@path`, `@query`)
 * and, for a request with a body, `content-digest` (RFC 9530, SHA-256), whose field is computed
 * here. Pure: the clock (`created`) and the nonce are the caller's.
 */
import { type InnerList, type Item, serializeByteSequence, serializeInnerList } from 'structured-headers'
import { ok, type Result, reject } from '../result.js'
import { buildSignatureBase, type SignatureBaseReason } from './build-signature-base.js'
import { createContentDigest } from './content-digest.js'
import type { HttpRequestSigner } from './http-request-signer.js'
import { signatureLengthOf } from './signature-algorithms.js'
import { SIGIL_REQUIRED_COMPONENTS } from './verify-http-signature.js'

export interface SignHttpRequestOptions {
  method: string
  /** Absolute `http:` or `https:` URL, as the request will be sent (a fragment is dropped). */
  url: string | URL
  /** The request's header fields (any case); the covered ones must be here. */
  headers?: Readonly<Record<string, string | readonly string[]>>
  /** The body bytes as they will be sent (a string is sent as UTF-8); absent or empty: no body. */
  body?: Uint8Array | string | null
  signer: HttpRequestSigner
  /** Epoch seconds (the `created` parameter). */
  created: number
  /** Epoch seconds, after `created`; optional. */
  expires?: number
  /**
   * Makes two otherwise identical requests in the same second distinct: Sigil refuses a signature
   * base it has already accepted (its replay cache), so a client that can repeat a request within
   * a second should send a fresh nonce each time.
   */
  nonce?: string
  tag?: string
  /** Default `sig`. */
  label?: string
  /**
   * The covered components, in order. Default: `@method @authority @path @query`, plus
   * `content-digest` when there is a body.
   */
  components?: readonly string[]
  /** Also send the `alg` parameter (Sigil takes the algorithm from the key either way). */
  includeAlg?: boolean
}

/** The fields to add to the request (lower-case names). */
export interface SignedHttpHeaders {
  'content-digest'?: string
  'signature-input': string
  signature: string
}

export interface SignedHttpRequest {
  headers: SignedHttpHeaders
  /** The exact text whose UTF-8 bytes were signed. */
  signatureBase: string
}

export type SignHttpRequestReason =
  | SignatureBaseReason
  | 'invalid_signature_params'
  /** The signer returned a signature of the wrong length for its algorithm (e.g. DER ECDSA). */
  | 'invalid_signature_encoding'

const LABEL = /^[a-z*][a-z0-9_\-.*]*$/
const MAX_PARAMETER_STRING = 256

/** The request's origin-form target, exactly as fetch sends it (an empty `?` is kept). */
function requestParts(url: string | URL) {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined
  if (parsed.username !== '' || parsed.password !== '') return undefined
  // A `#` in href can only start the fragment (elsewhere it is percent-encoded).
  const withoutHash = parsed.href.split('#')[0]!
  return {
    scheme: parsed.protocol === 'https:' ? ('https' as const) : ('http' as const),
    authority: parsed.host,
    target: withoutHash.slice(parsed.origin.length),
  }
}

const isParameterString = (value: string | undefined) =>
  value === undefined || (value.length > 0 && value.length <= MAX_PARAMETER_STRING)

function signatureParams(options: SignHttpRequestOptions): Map<string, string | number> | undefined {
  const { created, expires, nonce, tag, signer } = options
  if (!Number.isSafeInteger(created) || created < 0) return undefined
  if (expires !== undefined && (!Number.isSafeInteger(expires) || expires <= created)) return undefined
  if (![signer.keyId, nonce, tag].every(isParameterString)) return undefined
  const params = new Map<string, string | number>([['created', created]])
  if (expires !== undefined) params.set('expires', expires)
  params.set('keyid', signer.keyId)
  if (options.includeAlg === true) params.set('alg', signer.alg)
  if (nonce !== undefined) params.set('nonce', nonce)
  if (tag !== undefined) params.set('tag', tag)
  return params
}

export async function signHttpRequest(
  options: SignHttpRequestOptions,
): Promise<Result<SignedHttpRequest, SignHttpRequestReason>> {
  const parts = requestParts(options.url)
  if (parts === undefined) return reject('invalid_request_target')
  const label = options.label ?? 'sig'
  const params = signatureParams(options)
  if (!LABEL.test(label) || params === undefined) return reject('invalid_signature_params')

  const body = typeof options.body === 'string' ? new TextEncoder().encode(options.body) : options.body
  const hasBody = body !== null && body !== undefined && body.length > 0
  const components =
    options.components ??
    (hasBody ? [...SIGIL_REQUIRED_COMPONENTS, 'content-digest'] : SIGIL_REQUIRED_COMPONENTS)

  const headers: Record<string, string | readonly string[]> = { ...options.headers }
  const digestGiven = Object.keys(headers).some((name) => name.toLowerCase() === 'content-digest')
  let contentDigest: string | undefined
  if (!digestGiven && (hasBody || components.includes('content-digest'))) {
    contentDigest = createContentDigest(body ?? new Uint8Array())
    headers['content-digest'] = contentDigest
  }

  // The inner list is serialized by the same library the verifier re-serializes it with.
  const list: InnerList = [components.map((name): Item => [name, new Map()]), params]
  let serialized: string
  try {
    serialized = serializeInnerList(list)
  } catch {
    // A component name or a parameter string that is not an RFC 8941 string (non-ASCII, control).
    return reject('invalid_signature_params')
  }
  const base = buildSignatureBase(
    { method: options.method, ...parts, headers, body: body ?? null },
    components.map((name) => ({ name, parameters: new Map() })),
    serialized,
  )
  if (!base.ok) return base

  const signature = await options.signer.sign(new TextEncoder().encode(base.value))
  if (signature.length !== signatureLengthOf(options.signer.alg)) return reject('invalid_signature_encoding')
  return ok({
    headers: {
      ...(contentDigest === undefined ? {} : { 'content-digest': contentDigest }),
      'signature-input': `${label}=${serialized}`,
      signature: `${label}=${serializeByteSequence(signature)}`,
    },
    signatureBase: base.value,
  })
}
