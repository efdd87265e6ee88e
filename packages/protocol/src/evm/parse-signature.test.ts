import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseSignature } from './parse-signature.js'
import { SECP256K1_HALF_N, SECP256K1_N } from './secp256k1-order.js'

const word = (x: bigint): string => x.toString(16).padStart(64, '0')
const sig = (r: bigint, s: bigint, v: number): string =>
  `0x${word(r)}${word(s)}${v.toString(16).padStart(2, '0')}`

// A real signature (spruceid vector "example message"): r, s, v = 0x1b.
const VALID =
  '0xdc35c7f8ba2720df052e0092556456127f00f7707eaa8e3bbff7e56774e7f2e05a093cfc9e02964c33d86e8e066e221b7d153d27e5a2e97ccd5ca7d3f2ce06cb1b'
const R = BigInt(`0x${VALID.slice(2, 66)}`)
const S = BigInt(`0x${VALID.slice(66, 130)}`)

describe('parseSignature', () => {
  it('default: splits r ‖ s ‖ v into the recovery bit and the 64-byte compact form', () => {
    const result = parseSignature(VALID)
    expect(result).toEqual({
      ok: true,
      value: { recovery: 0, compact: expect.any(Uint8Array) },
    })
    if (!result.ok) return
    expect(bytesToHex(result.value.compact)).toBe(VALID.slice(2, 130))
  })

  it.each([
    [0, 0],
    [1, 1],
    [27, 0],
    [28, 1],
  ])('behavior: v = %i gives recovery %i', (v, recovery) => {
    const result = parseSignature(sig(R, S, v))
    expect(result.ok && result.value.recovery).toBe(recovery)
  })

  it('behavior: upper-case and mixed-case hex digits are accepted', () => {
    const upper = `0x${VALID.slice(2).toUpperCase()}`
    expect(parseSignature(upper)).toEqual(parseSignature(VALID))
    const mixed = `0x${VALID.slice(2, 40).toUpperCase()}${VALID.slice(40)}`
    expect(parseSignature(mixed)).toEqual(parseSignature(VALID))
  })

  it('behavior: the compact bytes equal a generic hex decoder’s for random signatures in any letter case', () => {
    const hexDigits = fc.array(fc.constantFrom(...'0123456789abcdefABCDEF'), {
      minLength: 128,
      maxLength: 128,
    })
    fc.assert(
      fc.property(hexDigits, fc.constantFrom('1b', '1c', '00', '01'), (digits, v) => {
        const body = digits.join('')
        const parsed = parseSignature(`0x${body}${v}`)
        if (!parsed.ok) return parsed.reason !== 'signature_malformed'
        return bytesToHex(parsed.value.compact) === bytesToHex(hexToBytes(body.toLowerCase()))
      }),
      { numRuns: 300 },
    )
  })

  it('behavior: the byte-wise range checks agree with BigInt arithmetic, near every bound', () => {
    // Scalars drawn around 0, n/2 and n (where a byte-compare slip would show) and at random.
    const near = (x: bigint) => fc.bigInt({ min: x - 300n, max: x + 300n }).filter((v) => v >= 0n)
    const scalar = fc.oneof(
      near(0n),
      near(SECP256K1_HALF_N),
      near(SECP256K1_N),
      fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
      // Same high bytes as n, differing only low down.
      fc.bigInt({ min: 0n, max: 2n ** 64n }).map((d) => SECP256K1_N - d),
    )
    const oracle = (r: bigint, s: bigint): string => {
      if (r < 1n || r >= SECP256K1_N || s < 1n || s >= SECP256K1_N) return 'signature_invalid'
      return s > SECP256K1_HALF_N ? 'signature_not_canonical' : 'ok'
    }
    fc.assert(
      fc.property(scalar, scalar, fc.constantFrom(0, 1, 27, 28), (r, s, v) => {
        if (r >= 2n ** 256n || s >= 2n ** 256n) return
        const result = parseSignature(sig(r, s, v))
        expect(result.ok ? 'ok' : result.reason).toBe(oracle(r, s))
      }),
      { numRuns: 2000 },
    )
  })

  it('behavior: the scalar bounds are inclusive where the spec says so', () => {
    expect(parseSignature(sig(1n, 1n, 27)).ok).toBe(true)
    expect(parseSignature(sig(SECP256K1_N - 1n, SECP256K1_HALF_N, 28)).ok).toBe(true)
  })

  it('behavior: the compact bytes are a copy, not a view the caller could mutate through', () => {
    const a = parseSignature(VALID)
    const b = parseSignature(VALID)
    if (!a.ok || !b.ok) throw new Error('expected ok')
    expect(a.value.compact.buffer).not.toBe(b.value.compact.buffer)
    expect(a.value.compact.byteLength).toBe(64)
  })

  it.each([
    ['empty string', ''],
    ['bare 0x', '0x'],
    ['missing 0x', VALID.slice(2)],
    ['missing 0x, padded to length', `00${VALID.slice(2)}`],
    ['upper-case 0X prefix', `0X${VALID.slice(2)}`],
    ['odd length (129 hex)', VALID.slice(0, -1)],
    ['odd length (131 hex)', `${VALID}0`],
    ['66 bytes', `${VALID}00`],
    ['64 bytes (EIP-2098 compact, not accepted in this slice)', VALID.slice(0, -2)],
    ['non-hex character', `${VALID.slice(0, 10)}g${VALID.slice(11)}`],
    ['full-width digit', `${VALID.slice(0, 10)}０${VALID.slice(11)}`],
    // Char codes whose low 7 bits are a hex digit ('0', 'a'): only the whole code may count.
    ['U+00B0 (0xb0: low bits are "0")', `${VALID.slice(0, 10)}\u00b0${VALID.slice(11)}`],
    ['U+0161 (low byte is "a")', `${VALID.slice(0, 131)}\u0161`],
    ['trailing newline', `${VALID.slice(0, -1)}\n`],
    ['space inside', `${VALID.slice(0, 10)} ${VALID.slice(11)}`],
    ['huge input', `0x${'00'.repeat(1_000_000)}`],
  ])('error: %s → signature_malformed', (_name, hex) => {
    expect(parseSignature(hex)).toEqual({ ok: false, reason: 'signature_malformed' })
  })

  it('error: a non-string from untyped JSON → signature_malformed, without throwing', () => {
    for (const value of [undefined, null, 42, ['0x'], { length: 132 }]) {
      expect(parseSignature(value as unknown as string)).toEqual({ ok: false, reason: 'signature_malformed' })
    }
  })

  it.each([
    ['v = 29 (0x1d)', sig(R, S, 29)],
    ['v = 30', sig(R, S, 30)],
    ['v = 2', sig(R, S, 2)],
    ['v = 26', sig(R, S, 26)],
    ['v = 37 (EIP-155 style)', sig(R, S, 37)],
    ['v = 0xff', sig(R, S, 0xff)],
    ['r = 0', sig(0n, S, 27)],
    ['s = 0', sig(R, 0n, 27)],
    ['r = 0 and s = 0', sig(0n, 0n, 27)],
    ['r = n', sig(SECP256K1_N, S, 27)],
    ['r = n + 1', sig(SECP256K1_N + 1n, S, 27)],
    ['r = 2^256 − 1', sig(2n ** 256n - 1n, S, 27)],
    ['s = n', sig(R, SECP256K1_N, 27)],
    ['s = 2^256 − 1', sig(R, 2n ** 256n - 1n, 27)],
  ])('error: %s → signature_invalid', (_name, hex) => {
    expect(parseSignature(hex)).toEqual({ ok: false, reason: 'signature_invalid' })
  })

  it.each([
    ['high-s twin (r, n − s, v ^ 1) of a valid signature', sig(R, SECP256K1_N - S, 28)],
    ['s = n/2 + 1', sig(R, SECP256K1_HALF_N + 1n, 27)],
    ['s = n − 1', sig(R, SECP256K1_N - 1n, 27)],
  ])('error: %s → signature_not_canonical', (_name, hex) => {
    expect(parseSignature(hex)).toEqual({ ok: false, reason: 'signature_not_canonical' })
  })

  it('error: range is checked before canonicity (s ≥ n is invalid, not just high)', () => {
    expect(parseSignature(sig(R, SECP256K1_N + 5n, 27))).toEqual({ ok: false, reason: 'signature_invalid' })
  })
})
