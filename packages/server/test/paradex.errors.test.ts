import { describe, expect, it } from 'vitest'
import { AUTH_ERROR_CODES } from '../src/core/errors.js'
import { paradexError } from '../src/http/dialects/paradex/errors.js'

describe('Paradex errors: the table', () => {
  it('behavior: every code renders the three keys paradex-py requires, with a 4xx/5xx status', () => {
    for (const code of AUTH_ERROR_CODES) {
      const [status, body] = paradexError(code)
      expect([code, Object.keys(body), body.data]).toEqual([code, ['error', 'message', 'data'], null])
      expect([code, status >= 400]).toEqual([code, true])
    }
  })

  it("behavior: the codes ccxt maps, and a bad credential's message its broad match catches", () => {
    expect(paradexError('NOT_ONBOARDED')).toEqual([
      400,
      { error: 'NOT_ONBOARDED', message: 'User has never called /onboarding endpoint', data: null },
    ])
    expect(paradexError('INVALID_SIGNATURE')[1].error).toBe('STARKNET_SIGNATURE_VERIFICATION_FAILED')
    expect(paradexError('MESSAGE_EXPIRED')[1].error).toBe('INVALID_SIGNATURE_EXPIRATION')
    const [status, body] = paradexError('TOKEN_EXPIRED')
    expect([status, body.error]).toEqual([401, 'UNAUTHORIZED_ERROR'])
    expect(body.message).toMatch(/^missing or malformed jwt: /)
  })
})
