import { describe, expect, it } from 'vitest'
import { painter, shortTime, table } from './output.js'

const terminal = { isTTY: true } as NodeJS.WriteStream
const pipe = { isTTY: false } as NodeJS.WriteStream

describe('CLI output', () => {
  it('behavior: colour on a terminal only, and never with NO_COLOR or TERM=dumb', () => {
    expect(painter(terminal, {})('bold', 'x')).toBe('\u001b[1mx\u001b[22m')
    expect(painter(pipe, {})('bold', 'x')).toBe('x')
    expect(painter(terminal, { NO_COLOR: '' })('bold', 'x')).toBe('x')
    expect(painter(terminal, { TERM: 'dumb' })('bold', 'x')).toBe('x')
  })

  it('default: a table lines its columns up under the header, with no trailing spaces', () => {
    const text = table(
      ['ID', 'NAME', 'SCOPE'],
      [
        ['k1', 'a long name', 'read'],
        ['key-two', 'b', ''],
      ],
      painter(pipe, {}),
    )
    expect(text.split('\n')).toEqual([
      'ID       NAME         SCOPE',
      'k1       a long name  read',
      'key-two  b',
    ])
  })

  it('default: times are shown to the minute, UTC; none is a dash', () => {
    expect(shortTime('2026-11-22T12:34:56.789Z')).toBe('2026-11-22 12:34')
    expect(shortTime(null)).toBe('-')
  })
})
