/**
 * The parts of an HTTP request that RFC 9421 components are derived from, as the transport saw
 * them. No URL parsing happens here: the target is the origin-form request target exactly as it
 * was on the request line (what the router matched), so signer and verifier cannot disagree
 * about a normalisation step that one of them skipped.
 */
export interface SignedRequest {
  /** The method as received (`POST`); `@method` is case-sensitive (RFC 9421 §2.2.1). */
  method: string
  scheme: 'https' | 'http'
  /** `host[:port]` as the client addressed it; normalised for `@authority` (§2.2.3). */
  authority: string
  /** Origin-form request target: `/path` plus `?query` when there is one. */
  target: string
  /** Header field lines by name (any case); a repeated field as an array of its lines in order. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>
  /**
   * The body bytes as received, or `null` when this layer does not see the body (e.g. a
   * `/v1/verify` sub-request): then `content-digest` is neither required nor checked here, and
   * checking it is the caller's job. An empty array is "no body".
   */
  body: Uint8Array | null
}
