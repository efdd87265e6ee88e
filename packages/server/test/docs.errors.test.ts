import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { AUTH_ERROR_CODES } from '../src/core/errors.js'
import { errorCatalog } from '../src/http/error-catalog.js'

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8')
const rows = new Map(
  [...doc.matchAll(/^\| `([A-Z_]+)`\s*\| (\d{3})\s*\|/gm)].map((m) => [m[1]!, Number(m[2])] as const),
)

describe('docs/errors.md', () => {
  it('behavior: lists every error code with the status the API sends', () => {
    for (const code of AUTH_ERROR_CODES) expect([code, rows.get(code)]).toEqual([code, errorCatalog[code][0]])
  })

  it('behavior: lists no code that the code base does not have', () => {
    expect(
      [...rows.keys()].filter((code) => !(AUTH_ERROR_CODES as readonly string[]).includes(code)),
    ).toEqual([])
  })
})
