import type { Kysely } from 'kysely'
import { afterEach, beforeEach } from 'vitest'
import type { Stores } from '../../src/core/ports.js'
import { openPostgresStores } from '../../src/store/postgres/open-postgres-stores.js'
import type { Database } from '../../src/store/sql/schema.js'
import { openSqliteStores } from '../../src/store/sqlite/open-sqlite-stores.js'
import { usePostgresDatabase } from '../support/postgres.js'
import { tempDatabaseUrl } from '../support/temp-dir.js'

export type OpenedStores = Stores & { db: Kysely<Database> }

/** A database the conformance suite runs every port against. */
export interface StoreBackend {
  name: 'sqlite' | 'postgres'
  /**
   * Registers the hooks that give each test a migrated database; call in the describe's body.
   * The returned object opens stores on the current test's database (all closed after the test).
   */
  use(): {
    /** The stores of this test (opened before it). */
    stores(): OpenedStores
    /**
     * The stores racers run on. SQLite: the one stores object, since a process holds one
     * connection and Kysely's driver runs its transactions one at a time (several connections in
     * one thread would block each other's busy wait). PostgreSQL: `replicas` stores objects, each
     * its own pool of several connections, so racers run on separate connections at once.
     */
    racers(replicas?: number): Promise<OpenedStores[]>
  }
}

const sqlite: StoreBackend = {
  name: 'sqlite',
  use() {
    let current: OpenedStores | undefined
    beforeEach(async () => {
      current = await openSqliteStores(tempDatabaseUrl('sigil-conformance-'))
    })
    afterEach(async () => {
      await current?.close()
      current = undefined
    })
    return {
      stores: () => current!,
      racers: async () => [current!],
    }
  },
}

const postgres: StoreBackend = {
  name: 'postgres',
  use() {
    const url = usePostgresDatabase()
    const opened: OpenedStores[] = []
    const open = async () => {
      const stores = await openPostgresStores(url(), { poolMax: 8 })
      opened.push(stores)
      return stores
    }
    beforeEach(async () => {
      await open()
    })
    afterEach(async () => {
      for (const stores of opened.splice(0)) await stores.close()
    })
    return {
      stores: () => opened[0]!,
      async racers(replicas = 2) {
        const all = [opened[0]!]
        while (all.length < replicas) all.push(await open())
        return all
      },
    }
  },
}

/** Every SQL backend: `describe.each(STORE_BACKENDS)` runs a suite against each. */
export const STORE_BACKENDS: StoreBackend[] = [sqlite, postgres]

/** Runs `n` attempts at once, the i-th on `racers[i % racers.length]`; settles them all. */
export function race<T>(
  racers: OpenedStores[],
  n: number,
  attempt: (stores: OpenedStores, i: number) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(Array.from({ length: n }, (_, i) => attempt(racers[i % racers.length]!, i)))
}
