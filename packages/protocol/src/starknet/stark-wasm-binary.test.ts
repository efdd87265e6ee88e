import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const build = fileURLToPath(new URL('../../wasm/build.js', import.meta.url))

describe('stark-wasm-binary.ts', () => {
  it('default: is what packages/protocol/wasm/*.ts compiles to (asc is deterministic)', () => {
    // Throws (exit code 1) when the committed module differs from a fresh compile.
    expect(() => execFileSync(process.execPath, [build, '--check'], { stdio: 'pipe' })).not.toThrow()
  }, 120_000)
})
