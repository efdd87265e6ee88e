import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, onTestFinished } from 'vitest'

const makeDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix))
const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true })

/**
 * A new folder `<os tmp>/<prefix>XXXXXX`, removed with all it holds once the current test is over
 * (after its `afterEach` hooks, so a server closed there has let go of its files). Call it in a
 * test or in a `beforeEach`.
 */
export function tempDir(prefix: string): string {
  const dir = makeDir(prefix)
  onTestFinished(() => removeDir(dir))
  return dir
}

/**
 * A folder the tests of a `describe` (or of a file) share: call this in the describe's body, before
 * registering the hooks that use the folder. It is made in a `beforeAll` (so a suite that is skipped
 * makes none) and removed in an `afterAll` that runs after the later-registered ones. The returned
 * function gives its path while the suite runs.
 */
export function useTempDir(prefix: string): () => string {
  let dir: string | undefined
  beforeAll(() => {
    dir = makeDir(prefix)
  })
  afterAll(() => {
    if (dir) removeDir(dir)
    dir = undefined
  })
  return () => {
    if (!dir) throw new Error(`useTempDir('${prefix}'): the folder exists only while its suite runs`)
    return dir
  }
}

/** `sqlite:<folder>/sigil.db`: a file database in a `tempDir` (removed after the current test). */
export const tempDatabaseUrl = (prefix: string) => `sqlite:${join(tempDir(prefix), 'sigil.db')}`
