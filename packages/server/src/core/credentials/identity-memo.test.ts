import { describe, expect, it } from 'vitest'
import type { Identity } from '../identity.js'
import { createIdentityMemo } from './identity-memo.js'

const key = (scopes: Identity['scopes'], accountId = 'acc-1'): Identity => ({
  accountId,
  scopes,
  via: 'api_key',
  apiKeyId: 'k1',
})

describe('identity memo', () => {
  it('behavior: the same identity checked again is the same frozen object', () => {
    const memo = createIdentityMemo(10)
    const first = memo.same('k1', key(['read']))
    expect(memo.same('k1', key(['read']))).toBe(first)
    expect(Object.isFrozen(first) && Object.isFrozen(first.scopes)).toBe(true)
  })

  it('attack: a changed scope or account is never answered with the kept identity', () => {
    const memo = createIdentityMemo(10)
    const read = memo.same('k1', key(['read']))
    const trade = memo.same('k1', key(['read', 'trade']))
    expect(trade).not.toBe(read)
    expect(trade.scopes).toEqual(['read', 'trade'])
    expect(memo.same('k1', key(['read', 'trade'], 'acc-2')).accountId).toBe('acc-2')
  })

  it('behavior: bounded, the oldest key is rebuilt', () => {
    const memo = createIdentityMemo(1)
    const first = memo.same('k1', key(['read']))
    memo.same('k2', { ...key(['read']), apiKeyId: 'k2' })
    expect(memo.same('k1', key(['read']))).not.toBe(first)
  })
})
