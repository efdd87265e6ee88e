import { Readable } from 'node:stream'
import { canonicalFieldValue, type SignedRequest, verifyContentDigest } from '@sigil/protocol/http-signatures'
import type { FastifyRequest } from 'fastify'
import { signatureErrorCode } from '../core/api-keys/signed-request-verifier.js'
import { AuthError } from '../core/errors.js'
import type { ForwardedRequest } from '../core/forward-auth/create-forward-auth.js'

/**
 * The RFC 9421 view of a request (docs/signed-requests.md), or undefined when it carries no
 * signature field. Header field lines are Node's `headersDistinct` (each line as sent, a repeated
 * field as several), the target the request line's, unparsed; `@authority` and `@scheme` are the
 * ones the client addressed, which behind a trusted proxy are its `X-Forwarded-Host` / `-Proto`
 * (Fastify's `request.host` / `request.protocol` honour `trustedProxies`).
 *
 * `forwarded`: the verify endpoint judges the original request its proxy states (method and URI);
 * it never sees that request's body, so no digest is required or checked there (gateway.md).
 * Otherwise a request with a body leaves it pending: the signature must cover `content-digest`,
 * and `checkSignedBody` checks the body against it as it is read.
 */
export function signedRequestOf(
  request: FastifyRequest,
  forwarded: ForwardedRequest | null,
): { request: SignedRequest; bodyPending: boolean } | undefined {
  const { headers } = request
  if (headers['signature-input'] === undefined && headers.signature === undefined) return undefined
  const signed: SignedRequest = {
    method: forwarded?.method ?? request.method,
    scheme: request.protocol === 'https' ? 'https' : 'http',
    authority: request.host,
    target: forwarded?.uri ?? request.raw.url ?? request.url,
    headers: fieldLines(request),
    body: null,
  }
  return { request: signed, bodyPending: forwarded === null && hasBody(request) }
}

/**
 * Each header field line as sent, by lower-case name (a repeated field as several lines): Node's
 * `headersDistinct`, else rebuilt from `rawHeaders` (an injected request has no headersDistinct).
 */
function fieldLines(request: FastifyRequest): Record<string, string[]> {
  const { raw } = request
  if (raw.headersDistinct) return raw.headersDistinct as Record<string, string[]>
  const lines: Record<string, string[]> = {}
  const rawHeaders = raw.rawHeaders ?? []
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase()
    const value = rawHeaders[i + 1]!
    const seen = lines[name]
    if (seen) seen.push(value)
    else lines[name] = [value]
  }
  return lines
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

const refuse = (reason: 'invalid_content_digest' | 'content_digest_mismatch') =>
  new AuthError(signatureErrorCode(reason), `signed request body: ${reason}`, { detail: reason })

/**
 * preParsing: the body of a signed request, read whole (at most the route's body limit) and
 * checked against the signed `Content-Digest` before any parser, handler or upstream sees a byte
 * of it; then handed on as it came. A mismatch is CONTENT_DIGEST_MISMATCH (401).
 */
export async function checkSignedBody(request: FastifyRequest, payload: Readable): Promise<Readable> {
  const limit = request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of payload) {
    size += (chunk as Buffer).length
    if (size > limit) throw new AuthError('PAYLOAD_TOO_LARGE', 'signed request body over the limit')
    chunks.push(chunk as Buffer)
  }
  const body = Buffer.concat(chunks)
  const field = canonicalFieldValue(fieldLines(request)['content-digest'] ?? [])
  const checked = verifyContentDigest(field, body)
  if (!checked.ok) throw refuse(checked.reason)
  const replay = Readable.from(body.length === 0 ? [] : [body])
  // Fastify compares this with Content-Length, as it would have for the original stream.
  return Object.assign(replay, { receivedEncodedLength: body.length })
}
