/**
 * A least-recently-used memo with a hard size bound, for the Starknet hot paths' caches (folded
 * hash prefixes, decompressed keys). Memoising pure functions keeps them pure; the bound keeps a
 * flood of distinct inputs from growing memory, and eviction only costs speed.
 */

export interface BoundedMemo<K, V> {
  /** The value for `key`, computed (and remembered) on a miss. */
  get(key: K, compute: () => V): V
  /** Remembers `value` for `key`, replacing any earlier one. */
  set(key: K, value: V): void
  /** The value remembered for `key` (marking it recently used), or `undefined`. */
  find(key: K): V | undefined
}

/**
 * @example
 * const squares = createBoundedMemo<bigint, bigint>(1024)
 * squares.get(3n, () => 9n)
 */
export function createBoundedMemo<K, V>(
  limit: number,
  /** Told of each entry the bound pushes out (e.g. to free what its value holds); not of a value `set` replaces. */
  onEvict?: (key: K, value: V) => void,
): BoundedMemo<K, V> {
  const entries = new Map<K, V>()
  const set = (key: K, value: V): void => {
    // Delete first so the entry moves to the end: Map keeps insertion order, so the first key
    // is always the least recently used one.
    entries.delete(key)
    if (entries.size >= limit) {
      const oldest = entries.keys().next()
      if (!oldest.done) {
        const evicted = entries.get(oldest.value) as V
        entries.delete(oldest.value)
        onEvict?.(oldest.value, evicted)
      }
    }
    entries.set(key, value)
  }
  return {
    get(key, compute) {
      const value = entries.has(key) ? (entries.get(key) as V) : compute()
      set(key, value)
      return value
    },
    set,
    find(key) {
      if (!entries.has(key)) return undefined
      const value = entries.get(key) as V
      set(key, value)
      return value
    },
  }
}
