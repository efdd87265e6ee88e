import { join } from 'node:path'
import type { Stores } from '../../src/core/ports.js'
import { openSqliteStores } from '../../src/store/sqlite/open-sqlite-stores.js'
import { tempDir } from './temp-dir.js'

/** Fulfilled attempts, and what each refused one said (by `describe`, e.g. its code). */
export function tally(results: PromiseSettledResult<unknown>[], describe: (reason: never) => unknown) {
  return {
    fulfilled: results.filter((r) => r.status === 'fulfilled').length,
    refused: results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => describe(r.reason as never)),
  }
}

/** Resolves `value` late, as a read over a network does: the window a check-then-insert loses. */
export async function late<T>(value: Promise<T>, ms = 20): Promise<T> {
  const result = await value
  await new Promise((resolve) => setTimeout(resolve, ms))
  return result
}

/**
 * One SQLite file that a test opens through several connections (as several processes would);
 * call in a test or a beforeEach. Every connection is closed, then the folder removed, after it.
 */
export function sharedSqliteFile(prefix: string) {
  const url = `sqlite:${join(tempDir(prefix), 'sigil.db')}`
  const opened: Stores[] = []
  return {
    async open() {
      const stores = await openSqliteStores(url)
      opened.push(stores)
      return stores
    },
    async closeAll() {
      for (const stores of opened.splice(0)) await stores.close()
    },
  }
}
