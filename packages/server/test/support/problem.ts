import { expect } from 'vitest'

/** What an `inject` (or light-my-request) response offers the check. */
export interface ProblemResponse {
  statusCode: number
  headers: Record<string, unknown>
  json(): unknown
}

export interface MoreExpected {
  /** More members the problem document must have (matched as with `toMatchObject`). */
  fields?: Record<string, unknown>
  /** Response headers: a string must be equal, a RegExp must match. */
  headers?: Record<string, string | RegExp>
}

/**
 * An RFC 9457 problem from the native API (docs/errors.md): the HTTP status, an
 * `application/problem+json` content type, and a body `{type: "urn:sigil:error:<code>", title, status, code}`
 * (plus whatever `more.fields` adds); `more.headers` checks headers such as `www-authenticate`.
 */
export function expectProblem(
  response: ProblemResponse,
  status: number,
  code: string,
  more: MoreExpected = {},
) {
  expect([response.statusCode, (response.json() as { code?: unknown }).code]).toEqual([status, code])
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(response.json()).toMatchObject({
    type: `urn:sigil:error:${code}`,
    title: expect.any(String),
    status,
    code,
    ...more.fields,
  })
  for (const [name, value] of Object.entries(more.headers ?? {})) {
    if (typeof value === 'string') expect(response.headers[name.toLowerCase()]).toBe(value)
    else expect(response.headers[name.toLowerCase()]).toMatch(value)
  }
}
