import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CONFIG_ENTRIES } from '../src/config.js'

const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8')
const rows = new Map(
  [...doc.matchAll(/^\| `([\w.]+)`\s*\| `(SIGIL_\w+)`\s*\| ([^|]+) \|/gm)].map((m) => [m[1]!, m] as const),
)

describe('docs/configuration.md', () => {
  it('behavior: documents every setting (each dialect’s too), with its environment name and default', () => {
    expect([...rows.keys()].sort()).toEqual(CONFIG_ENTRIES.map((e) => e.key).sort())
    for (const { key, env, schema } of CONFIG_ENTRIES) {
      const row = rows.get(key)!
      expect(row[2]).toBe(env)
      const fallback = (schema as { default?: unknown }).default
      // An empty list default means "derived" (documented in words), like an absent default.
      const documented = Array.isArray(fallback) ? fallback.length > 0 : fallback !== undefined
      // The empty string is written as `""` (an empty code span would not render).
      const text = Array.isArray(fallback) ? fallback.join(',') : fallback === '' ? '""' : fallback
      if (documented) expect(row[3]!.trim()).toBe(`\`${text}\``)
    }
  })

  it('behavior: no two settings share an environment name', () => {
    const names = CONFIG_ENTRIES.map((e) => e.env)
    expect(new Set(names).size).toBe(names.length)
  })
})
