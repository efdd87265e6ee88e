import { describe, expect, it } from 'vitest'
import { redactUrlCredentials, redactUrlToOrigin } from './redact-url.js'

describe('redactUrlCredentials', () => {
  it('attack: user name and password never survive, whatever the scheme', () => {
    expect(redactUrlCredentials('redis://:hunter2@redis.internal:6380/2')).toBe(
      'redis://***@redis.internal:6380/2',
    )
    expect(redactUrlCredentials('rediss://sigil:hunter2@redis.internal')).toBe('rediss://***@redis.internal')
    expect(redactUrlCredentials('postgres://sigil:p%40ss@db.internal:5432/sigil?sslmode=require')).toBe(
      'postgres://***@db.internal:5432/sigil?sslmode=require',
    )
  })

  it('behavior: a URL without credentials is shown as it is; one that does not parse keeps only its scheme', () => {
    expect(redactUrlCredentials('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379')
    expect(redactUrlCredentials('redis://:hunter2@[broken')).toBe('redis://…')
    // A slash in an unencoded password makes the URL invalid: a pattern over the raw text would leak it.
    expect(redactUrlCredentials('postgres://sigil:pass/word@db.internal/sigil')).toBe('postgres://…')
  })
})

describe('redactUrlToOrigin', () => {
  it('behavior: keeps scheme and host only (keys live in userinfo, path or query)', () => {
    expect(redactUrlToOrigin('https://user:pw@mainnet.example/v3/0123abcd?key=x')).toBe(
      'https://mainnet.example/…',
    )
    expect(redactUrlToOrigin('not a url')).toBe('(invalid URL)')
  })
})
