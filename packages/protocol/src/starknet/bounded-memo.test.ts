import { describe, expect, it } from 'vitest'
import { createBoundedMemo } from './bounded-memo.js'

describe('createBoundedMemo', () => {
  it('default: computes once per key', () => {
    const memo = createBoundedMemo<string, number>(4)
    let calls = 0
    const compute = () => ++calls
    expect(memo.get('a', compute)).toBe(1)
    expect(memo.get('a', compute)).toBe(1)
    expect(calls).toBe(1)
  })

  it('behavior: evicts the least recently used key at the bound', () => {
    const memo = createBoundedMemo<string, string>(2)
    memo.get('a', () => 'a1')
    memo.get('b', () => 'b1')
    memo.get('a', () => 'a2') // a is now the most recent
    memo.get('c', () => 'c1') // evicts b
    expect(memo.get('a', () => 'a3')).toBe('a1')
    expect(memo.get('b', () => 'b2')).toBe('b2')
  })

  it('behavior: set replaces a value and counts as a use', () => {
    const memo = createBoundedMemo<string, number>(2)
    memo.get('a', () => 1)
    memo.set('a', 2)
    expect(memo.get('a', () => 3)).toBe(2)
  })

  it('behavior: a falsy or undefined value is remembered too', () => {
    const memo = createBoundedMemo<string, number | undefined>(2)
    memo.get('a', () => undefined)
    expect(memo.get('a', () => 5)).toBeUndefined()
  })

  it('behavior: find returns a remembered value without computing, undefined otherwise, and counts as a use', () => {
    const memo = createBoundedMemo<string, number>(2)
    expect(memo.find('a')).toBeUndefined()
    memo.set('a', 1)
    memo.set('b', 2)
    expect(memo.find('a')).toBe(1) // a is now the most recent
    memo.set('c', 3) // evicts b
    expect(memo.find('b')).toBeUndefined()
    expect(memo.find('a')).toBe(1)
  })

  it('behavior: onEvict hears of each entry pushed out by the bound, and only of those', () => {
    const evicted: [string, number][] = []
    const memo = createBoundedMemo<string, number>(2, (key, value) => evicted.push([key, value]))
    memo.set('a', 1)
    memo.set('b', 2)
    memo.find('a')
    memo.set('a', 10) // a replaced, nothing pushed out
    expect(evicted).toEqual([])
    memo.set('c', 3) // pushes out b
    memo.get('d', () => 4) // pushes out a
    expect(evicted).toEqual([
      ['b', 2],
      ['a', 10],
    ])
  })
})
