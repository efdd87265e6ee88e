import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CONFIG_KEYS, ConfigSchema, envName } from '../src/config.js'

const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8')
const rows = new Map(
  [...doc.matchAll(/^\| `(\w+)`\s*\| `(SIGIL_\w+)`\s*\| ([^|]+) \|/gm)].map((m) => [m[1]!, m] as const),
)

describe('docs/configuration.md', () => {
  it('behavior: documents every setting, with its environment name and default', () => {
    expect([...rows.keys()].sort()).toEqual([...CONFIG_KEYS].sort())
    for (const key of CONFIG_KEYS) {
      const row = rows.get(key)!
      expect(row[2]).toBe(envName(key))
      const fallback = (ConfigSchema.properties[key] as { default?: unknown }).default
      // An empty list default means "derived" (documented in words), like an absent default.
      const documented = Array.isArray(fallback) ? fallback.length > 0 : fallback !== undefined
      // The empty string is written as `""` (an empty code span would not render).
      const text = Array.isArray(fallback) ? fallback.join(',') : fallback === '' ? '""' : fallback
      if (documented) expect(row[3]!.trim()).toBe(`\`${text}\``)
    }
  })
})
