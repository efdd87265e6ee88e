import { describe, expect, it } from 'vitest'
import { MAX_SIGNATURE_FIELD_LENGTH, parseSignatureInput, parseSignatures } from './parse-signature-fields.js'

describe('parseSignatureInput', () => {
  it('keeps each label with its components and canonical @signature-params', () => {
    const result = parseSignatureInput('a=("@method" "x-y");created=1;keyid="k, \\"q\\"", b=();created=2')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect([...result.value.keys()]).toEqual(['a', 'b'])
    expect(result.value.get('a')?.components.map((c) => c.name)).toEqual(['@method', 'x-y'])
    expect(result.value.get('a')?.serialized).toBe('("@method" "x-y");created=1;keyid="k, \\"q\\""')
  })

  it('refuses a repeated label (which RFC 8941 alone would silently overwrite)', () => {
    expect(parseSignatureInput('a=();created=1, a=();created=2')).toEqual({
      ok: false,
      reason: 'duplicate_label',
    })
    expect(parseSignatureInput(['a=();created=1', 'a=();created=2'])).toEqual({
      ok: false,
      reason: 'duplicate_label',
    })
  })

  it('refuses items that are not inner lists of strings, empty and oversized fields', () => {
    for (const text of [
      'a=1',
      'a=(tok)',
      'a',
      '',
      'a=(), ',
      `a=("${'x'.repeat(MAX_SIGNATURE_FIELD_LENGTH)}")`,
    ]) {
      expect(parseSignatureInput(text)).toEqual({ ok: false, reason: 'malformed_signature_input' })
    }
  })
})

describe('parseSignatures', () => {
  it('decodes byte sequences and refuses anything else', () => {
    const result = parseSignatures('a=:AQID:, b=:BA==:')
    expect(result.ok && [...result.value.get('a')!]).toEqual([1, 2, 3])
    for (const text of ['a="AQID"', 'a=:AQID:;p=1', 'a=(:AQID:)', 'a=:A Q:']) {
      expect(parseSignatures(text)).toEqual({ ok: false, reason: 'malformed_signature' })
    }
    expect(parseSignatures('a=:AQID:, a=:AQID:')).toEqual({ ok: false, reason: 'duplicate_label' })
  })
})
