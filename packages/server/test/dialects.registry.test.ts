import { describe, expect, it } from 'vitest'
import { BaseConfigSchema } from '../src/config-schema.js'
import { DIALECTS } from '../src/http/dialects/registry.js'
import { errorCatalog } from '../src/http/error-catalog.js'

describe('the dialect registry', () => {
  it('behavior: ids are unique and none shadows a setting of Sigil itself', () => {
    const ids = DIALECTS.map((d) => d.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(Object.keys(BaseConfigSchema.properties)).not.toContain(id)
  })

  it('behavior: Sigil’s own API is the one required dialect, and comes first', () => {
    expect(DIALECTS.filter((d) => d.required).map((d) => d.id)).toEqual(['native'])
    expect(DIALECTS[0]!.id).toBe('native')
  })

  it.each(DIALECTS.filter((d) => d.errors).map((d) => [d.id, d] as const))(
    'behavior: %s lists only error rows that differ from the native catalogue',
    (_id, dialect) => {
      for (const [code, row] of Object.entries(dialect.errors!.differences)) {
        const [status] = errorCatalog[code as keyof typeof errorCatalog]
        expect([code, row.status ?? status, row.code ?? code]).not.toEqual([code, status, code])
      }
    },
  )
})
