import { describe, expect, it } from 'vitest'
import { parseRequestPath } from './request-path.js'

const UNRESERVED = /^[A-Za-z0-9._~-]$/

describe('parseRequestPath', () => {
  it('default', () => {
    expect(parseRequestPath('/v1/bbo/BTC%20X?depth=5')).toEqual({
      segments: ['v1', 'bbo', 'BTC%20X'],
      trailingSlash: false,
    })
  })

  it('behavior: the root has no segment; a trailing slash is kept apart', () => {
    expect(parseRequestPath('/')).toEqual({ segments: [], trailingSlash: false })
    expect(parseRequestPath('/?x')).toEqual({ segments: [], trailingSlash: false })
    expect(parseRequestPath('/a/')).toEqual({ segments: ['a'], trailingSlash: true })
    expect(parseRequestPath("/a:b@c/!$&'()*+,;=/...")).toEqual({
      segments: ['a:b@c', "!$&'()*+,;=", '...'],
      trailingSlash: false,
    })
  })

  it('attack: a percent-encoded unreserved character, / or \\ is refused in any case; others pass', () => {
    for (let byte = 0; byte < 256; byte++) {
      const char = String.fromCharCode(byte)
      // A lone byte from 0x80 up is not UTF-8 on its own (see the next test).
      const refused = UNRESERVED.test(char) || char === '/' || char === '\\' || byte >= 0x80
      for (const hex of [
        byte.toString(16).padStart(2, '0'),
        byte.toString(16).padStart(2, '0').toUpperCase(),
      ]) {
        expect([hex, parseRequestPath(`/a/x%${hex}y`)]).toEqual([
          hex,
          refused ? undefined : { segments: ['a', `x%${hex}y`], trailingSlash: false },
        ])
      }
    }
  })

  it('attack: percent-encoded bytes that are not UTF-8 are refused (an overlong `.` is no dot segment to anyone); UTF-8 passes', () => {
    for (const evasion of [
      '%c0%ae',
      '%C0%AE%C0%AE',
      '%e0%80%ae',
      '%c0%af',
      '%80',
      '%ff',
      '%ed%a0%80',
      'x%c3',
    ])
      expect([evasion, parseRequestPath(`/a/${evasion}/b`)]).toEqual([evasion, undefined])
    expect(parseRequestPath('/a/%e2%82%ac%C3%A9')).toEqual({
      segments: ['a', '%e2%82%ac%C3%A9'],
      trailingSlash: false,
    })
  })

  it('attack: every character outside RFC 3986 pchar is refused in the path', () => {
    for (let code = 0; code < 0x3000; code++) {
      const char = String.fromCharCode(code)
      const pchar = /^[A-Za-z0-9._~!$&'()*+,;=:@-]$/.test(char)
      if (char === '/' || char === '?' || char === '%') continue
      expect([code, parseRequestPath(`/a${char}b`) !== undefined]).toEqual([code, pchar])
    }
  })
})
