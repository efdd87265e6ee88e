import { describe, expect, it } from 'vitest'
import type { Identity } from '../../../core/identity.js'
import { verifiedAnswerOf } from './verify-answer.js'

describe('verified answer', () => {
  it('behavior: the identity headers, no-store, and the Verified body, built once per identity', () => {
    const identity: Identity = Object.freeze<Identity>({
      accountId: 'a"1',
      scopes: ['read'],
      via: 'api_key',
      apiKeyId: 'k1',
    })
    const answer = verifiedAnswerOf(identity)
    expect(answer.headers).toEqual({
      'x-sigil-account': 'a"1',
      'x-sigil-credential': 'api_key',
      'x-sigil-scope': 'read',
      'x-sigil-acting-accounts': 'a"1',
      'x-sigil-key-id': 'k1',
      'cache-control': 'no-store',
      'content-type': 'application/json; charset=utf-8',
    })
    expect(JSON.parse(answer.body)).toEqual({ accountId: 'a"1', credential: 'api_key', scopes: ['read'] })
    expect(verifiedAnswerOf(identity)).toBe(answer)
    expect(verifiedAnswerOf({ ...identity })).not.toBe(answer)
  })
})
