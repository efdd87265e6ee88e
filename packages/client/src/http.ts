import { SigilError } from './errors.js'
import type { SigilRequestSigner } from './request-signer.js'

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

export interface Transport {
  /** The base URL without a trailing slash (origin plus the native API's prefix, if any). */
  readonly baseUrl: string
  send(method: string, path: string, options?: SendOptions): Promise<Response>
}

export interface SendOptions {
  body?: unknown
  bearer?: string | undefined
  apiKey?: string | undefined
}

export interface TransportOptions {
  baseUrl: string | URL
  fetch?: FetchLike | undefined
  credentials?: 'include' | 'same-origin' | 'omit' | undefined
  /** Signs every request (RFC 9421) with the client's clock. */
  signer?: SigilRequestSigner | undefined
  now?: (() => number) | undefined
}

export function createTransport(options: TransportOptions): Transport {
  const baseUrl = String(options.baseUrl).replace(/\/+$/, '')
  // Looked up per call, not captured: a test or a polyfill may install fetch after the client is made.
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const { signer, now = Date.now } = options
  return {
    baseUrl,
    async send(method, path, { body, bearer, apiKey } = {}) {
      const url = `${baseUrl}${path}`
      const headers: Record<string, string> = { accept: 'application/json' }
      if (body !== undefined) headers['content-type'] = 'application/json'
      if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`
      else if (apiKey !== undefined) headers['x-api-key'] = apiKey
      // The exact text that is sent is the text that is digested and signed.
      const text = body === undefined ? undefined : JSON.stringify(body)
      if (signer !== undefined) {
        Object.assign(headers, await signer.signRequest({ method, url, headers, body: text, now: now() }))
      }
      const init: RequestInit = { method, headers }
      if (text !== undefined) init.body = text
      if (options.credentials !== undefined) init.credentials = options.credentials
      try {
        return await fetchImpl(url, init)
      } catch (cause) {
        throw new SigilError({ code: 'NETWORK_ERROR', detail: `cannot reach ${baseUrl}`, cause })
      }
    },
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The body of a success (undefined for 204), or the problem document as a SigilError. An answer
 * that is not Sigil's (a proxy's HTML page) is `UNEXPECTED_RESPONSE` with its status.
 */
export async function readResponse<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T
  let body: unknown
  try {
    body = JSON.parse(await response.text())
  } catch {
    body = undefined
  }
  if (response.ok) {
    if (body === undefined) throw unexpected(response.status, 'the body is not JSON')
    return body as T
  }
  if (!isObject(body) || typeof body.code !== 'string')
    throw unexpected(response.status, 'not a problem document')
  return Promise.reject(
    new SigilError({
      code: body.code,
      status: response.status,
      title: typeof body.title === 'string' ? body.title : undefined,
      detail: typeof body.detail === 'string' ? body.detail : undefined,
    }),
  )
}

const unexpected = (status: number, detail: string) =>
  new SigilError({ code: 'UNEXPECTED_RESPONSE', status, detail: `HTTP ${status}: ${detail}` })
