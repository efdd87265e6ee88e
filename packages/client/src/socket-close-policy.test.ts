import { describe, expect, it } from 'vitest'
import { afterClose } from './socket-close-policy.js'

const backoff = { min: 500, max: 30_000 }

describe('afterClose', () => {
  it('ends for good when the server ended the credential, with its code', () => {
    for (const [code, expected] of [
      [4001, 'SESSION_REVOKED'],
      [4002, 'API_KEY_REVOKED'],
    ] as const) {
      const decision = afterClose({ code, reason: '' }, backoff, 0)
      expect(decision.next).toBe('end')
      expect(decision.next === 'end' && decision.error?.code).toBe(expected)
    }
  })

  it("prefers the server's closing notification for the error", () => {
    const closing = { code: 'API_KEY_REVOKED', message: 'revoked by its owner' }
    const decision = afterClose({ code: 4002, reason: '', closing }, backoff, 0)
    expect(decision.next === 'end' && decision.error?.detail).toBe('revoked by its owner')
  })

  it('renews a token that expired (4003), but ends an API key that expired', () => {
    expect(afterClose({ code: 4003, reason: '', bearer: 'jwt' }, backoff, 3)).toEqual({
      next: 'renew',
      stale: 'jwt',
    })
    const key = afterClose({ code: 4003, reason: '' }, backoff, 0)
    expect(key.next === 'end' && key.error?.code).toBe('API_KEY_EXPIRED')
  })

  it('ends on a policy close or an oversized message even when reconnection is on', () => {
    for (const code of [1008, 1009]) expect(afterClose({ code, reason: '' }, backoff, 0).next).toBe('end')
  })

  it('ends quietly without reconnection, and reconnects after an abnormal close with it', () => {
    expect(afterClose({ code: 1006, reason: '' }, undefined, 0)).toEqual({ next: 'end' })
    expect(afterClose({ code: 1006, reason: '' }, backoff, 0).next).toBe('reconnect')
  })

  it('backs off exponentially with equal jitter, capped', () => {
    const delays = (attempt: number) =>
      Array.from({ length: 200 }, () => {
        const decision = afterClose({ code: 1006, reason: '' }, backoff, attempt)
        return decision.next === 'reconnect' ? decision.delayMs : Number.NaN
      })
    const cases: [attempt: number, ceiling: number][] = [
      [0, 500],
      [3, 4000],
      [20, 30_000],
    ]
    for (const [attempt, ceiling] of cases) {
      const seen = delays(attempt)
      expect(Math.min(...seen)).toBeGreaterThanOrEqual(ceiling / 2)
      expect(Math.max(...seen)).toBeLessThanOrEqual(ceiling)
    }
  })
})
