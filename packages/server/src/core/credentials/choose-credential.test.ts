import { describe, expect, it } from 'vitest'
import { AuthError } from '../errors.js'
import { bearerToken, chooseCredential } from './choose-credential.js'

const API_KEY = `sgl_sk_${'a'.repeat(16)}${'b'.repeat(43)}`
const OCX_KEY = `ocx_sk_${'a'.repeat(16)}${'b'.repeat(43)}`
const SESSION = `${'s'.repeat(16)}.${'t'.repeat(43)}`
const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'
const native = { name: 'sigil_session', value: SESSION }
const venue = { name: 'astra_session', value: `${'v'.repeat(16)}.${'w'.repeat(43)}` }

describe('chooseCredential: which credential a request is judged by', () => {
  it('behavior: the Authorization header wins over x-api-key and every cookie', () => {
    expect(chooseCredential({ authorization: `Bearer ${JWT}`, apiKey: API_KEY, cookies: [native] })).toEqual({
      kind: 'access_token',
      token: JWT,
    })
  })

  it('behavior: in the header, a branded key is an API key and an id.secret value is a session', () => {
    expect(chooseCredential({ authorization: `Bearer ${API_KEY}`, cookies: [] })).toEqual({
      kind: 'api_key',
      secret: API_KEY,
    })
    expect(chooseCredential({ authorization: `bearer ${OCX_KEY}`, cookies: [] })).toEqual({
      kind: 'api_key',
      secret: OCX_KEY,
    })
    expect(chooseCredential({ authorization: `Bearer ${SESSION}`, cookies: [] })).toEqual({
      kind: 'session',
      value: SESSION,
    })
  })

  it('behavior: x-api-key wins over cookies, so a bot that also holds a cookie is never judged by it', () => {
    expect(chooseCredential({ apiKey: API_KEY, cookies: [native, venue] })).toEqual({
      kind: 'api_key',
      secret: API_KEY,
    })
  })

  it('behavior: among cookies, the API’s own first, else the first registered', () => {
    expect(chooseCredential({ cookies: [native, venue] })).toEqual({ kind: 'cookie', ...native })
    expect(chooseCredential({ cookies: [native, venue], preferredCookie: 'astra_session' })).toEqual({
      kind: 'cookie',
      ...venue,
    })
    // A preferred cookie that is absent falls back to the others: a session is a session.
    expect(chooseCredential({ cookies: [native], preferredCookie: 'astra_session' })).toEqual({
      kind: 'cookie',
      ...native,
    })
  })

  it('behavior: nothing presented is no credential, not an error', () => {
    expect(chooseCredential({ cookies: [] })).toEqual({ kind: 'none' })
  })

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', `Bearer ${JWT} extra`, `Token ${JWT}`, ''])(
    'attack: an Authorization header that is not one Bearer token (%j) is refused, never skipped for a cookie',
    (authorization) => {
      const attempt = () => chooseCredential({ authorization, cookies: [native] })
      expect(attempt).toThrow(AuthError)
      expect(attempt).toThrow(expect.objectContaining({ code: 'CREDENTIAL_MISSING' }))
    },
  )

  it('attack: a session value never reads as an API key, whatever its id looks like', () => {
    const lookalike = `ab_sk_${'x'.repeat(10)}.${'y'.repeat(43)}`
    expect(chooseCredential({ authorization: `Bearer ${lookalike}`, cookies: [] }).kind).not.toBe('api_key')
  })

  it('behavior: bearerToken reads one RFC 6750 token, case-insensitively on the scheme', () => {
    expect(bearerToken(`BEARER ${JWT}`)).toBe(JWT)
    expect(bearerToken('Bearer a b')).toBeUndefined()
    expect(bearerToken(undefined)).toBeUndefined()
  })
})
