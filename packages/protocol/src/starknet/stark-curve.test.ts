import { MAX_VALUE, Point } from '@scure/starknet'
import { describe, expect, it } from 'vitest'
import { STARK_P } from './felt.js'
import { STARK_N, STARK_SIGNATURE_BOUND } from './stark-curve.js'

describe('Stark curve constants', () => {
  it('default: equal @scure/starknet’s curve (Paradex §1)', () => {
    expect(STARK_N).toBe(Point.Fn.ORDER)
    expect(STARK_P).toBe(Point.Fp.ORDER)
    expect(STARK_SIGNATURE_BOUND).toBe(MAX_VALUE)
  })
})
