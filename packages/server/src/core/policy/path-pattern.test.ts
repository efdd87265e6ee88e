import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { patternArb } from '../../../test/support/route-policy-arbitraries.js'
import { compilePathPattern, MAX_PATTERN_LENGTH } from './path-pattern.js'

describe('compilePathPattern', () => {
  it('default', () => {
    expect(compilePathPattern('/v1/bbo/{market}')).toEqual({
      ok: true,
      value: {
        segments: [{ literal: 'v1' }, { literal: 'bbo' }, { param: 'market' }],
        rest: false,
        trailingSlash: false,
      },
    })
  })

  it('behavior: the root, a trailing slash and a last * compile to their own shapes', () => {
    expect(compilePathPattern('/')).toEqual({
      ok: true,
      value: { segments: [], rest: false, trailingSlash: false },
    })
    expect(compilePathPattern('/a/')).toMatchObject({ ok: true, value: { rest: false, trailingSlash: true } })
    expect(compilePathPattern('/*')).toEqual({
      ok: true,
      value: { segments: [], rest: true, trailingSlash: false },
    })
    expect(compilePathPattern('/v1/{x_1}/*')).toMatchObject({ ok: true, value: { rest: true } })
    expect(compilePathPattern('/A.b~c-d_e')).toMatchObject({
      ok: true,
      value: { segments: [{ literal: 'A.b~c-d_e' }] },
    })
  })

  it('attack: every pattern outside the grammar is refused, saying why', () => {
    const refused: [string, string][] = [
      ['', 'not absolute'],
      ['v1/markets', 'not absolute'],
      ['//', 'empty segment'],
      ['/a//b', 'empty segment'],
      ['/a/./b', 'dot segment'],
      ['/..', 'dot segment'],
      ['/*/a', 'only as the last segment'],
      ['/a/*/', 'cannot be followed by /'],
      ['/a*', 'neither a literal'],
      ['/{Market}', 'neither a literal'],
      ['/{1x}', 'neither a literal'],
      ['/{}', 'neither a literal'],
      ['/{a}x', 'neither a literal'],
      ['/a%20b', 'neither a literal'],
      ['/a b', 'neither a literal'],
      ['/a\\b', 'neither a literal'],
      ['/a?x', 'neither a literal'],
      ['/é', 'neither a literal'],
      ['/{a}/{a}', 'repeats {a}'],
      [`/${'a'.repeat(MAX_PATTERN_LENGTH)}`, 'longer than'],
    ]
    for (const [pattern, reason] of refused) {
      const result = compilePathPattern(pattern)
      expect([pattern, result.ok]).toEqual([pattern, false])
      if (!result.ok) expect(result.reason).toContain(reason)
    }
  })

  it('property: every pattern built from the grammar compiles, and arbitrary strings never throw', () => {
    fc.assert(
      fc.property(patternArb, (pattern) => {
        expect(compilePathPattern(pattern).ok).toBe(true)
      }),
    )
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (pattern) => {
        compilePathPattern(pattern)
      }),
    )
  })
})
