import { pow } from '@noble/curves/abstract/modular.js'
import { describe, expect, it } from 'vitest'
import { feltToHex, STARK_P } from './felt.js'
import { parseStarkKey } from './parse-stark-key.js'

const BETA = 0x06f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89n
/** Euler's criterion: does x³ + x + β have a square root mod P (so x is some point's x)? */
const onCurve = (x: bigint) => {
  const rhs = (x ** 3n + x + BETA) % STARK_P
  return rhs === 0n || pow(rhs, (STARK_P - 1n) / 2n, STARK_P) === 1n
}

describe('parseStarkKey', () => {
  it('default: the §11 stark keys, unpadded as clients send them', () => {
    for (const text of [
      '0x8857491dd4065910836e3b02bd51c93f1c3c1e2289accb0bc02123555569c1',
      '0x6474150249eab5cd37f421f36b2750ad8fb226530dcef499bfa21fd73120e18',
      '0x160afbb32213cb863af2bd49f633af689c814161323f63b49c004c03f508fc9',
    ]) {
      expect(parseStarkKey(text)).toEqual({ ok: true, value: BigInt(text) })
    }
  })

  it('behavior: agrees with Euler’s criterion on small x', () => {
    for (let x = 1n; x < 40n; x++) {
      expect(parseStarkKey(feltToHex(x)).ok).toBe(onCurve(x))
    }
  })

  it.each([
    ['0x5 (no curve point has this x)', '0x5'],
    ['zero', '0x0'],
    ['P', feltToHex(STARK_P)],
    ['decimal', '123'],
    ['short string', 'key'],
    ['empty', ''],
    ['10 KiB', `0x${'1'.repeat(10_240)}`],
  ])('error: %s → public_key_invalid', (_name, text) => {
    expect(parseStarkKey(text)).toEqual({ ok: false, reason: 'public_key_invalid' })
  })
})
