import { describe, expect, it } from 'vitest'
import { createRevocationList } from './revocation-list.js'

describe('the revocation list', () => {
  it('behavior: an entry holds until its time, the later of two times wins, pruning forgets the past', () => {
    const list = createRevocationList()
    list.add('a', 100)
    list.add('a', 50)
    expect(list.has('a', 99)).toBe(true)
    expect(list.has('a', 100)).toBe(false)
    list.prune(100)
    expect(list.size).toBe(0)
  })

  it('attack: a mass logout past the bound is not dropped silently: the list says it overflowed until what it dropped has expired', () => {
    const list = createRevocationList(4)
    for (const id of ['a', 'b', 'c', 'd']) list.add(id, 100)
    expect(list.overflowed).toBe(false)
    list.add('e', 200)
    expect([list.has('e', 0), list.overflowed]).toEqual([false, true])
    list.prune(100)
    // Room again, but 'e' was never kept and still matters: still overflowed.
    expect([list.size, list.overflowed]).toEqual([0, true])
    list.prune(200)
    expect(list.overflowed).toBe(false)
  })
})
