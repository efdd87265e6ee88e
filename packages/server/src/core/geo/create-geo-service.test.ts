import { describe, expect, it } from 'vitest'
import { COUNTRY_CODES, type CountryCode, parseCountryCode } from './country-codes.js'
import { createGeoService, geoRefusal, type IpCountryDatabase } from './create-geo-service.js'
import { decideGeo } from './decide-geo.js'

const codes = (...list: string[]) => new Set(list.map((code) => parseCountryCode(code)!))

describe('parseCountryCode', () => {
  it('behavior: the 249 ISO 3166-1 codes and XK; any case, trimmed', () => {
    expect(COUNTRY_CODES.size).toBe(250)
    expect(parseCountryCode(' kp ')).toBe('KP')
    expect(parseCountryCode('XK')).toBe('XK')
  })

  it.for(['UK', 'XX', 'ZZ', 'T1', 'EU', 'AP', '-', '', 'USA', 'U'])('error: %j names no country', (text) => {
    expect(parseCountryCode(text)).toBeUndefined()
  })
})

describe('decideGeo', () => {
  const policy = { blockedCountries: codes('KP', 'IR'), blockUnknown: false }

  it('behavior: a blocked country is refused, another passes', () => {
    expect(decideGeo('KP' as CountryCode, policy)).toEqual({ allowed: false, reason: 'country_blocked' })
    expect(decideGeo('CH' as CountryCode, policy)).toEqual({ allowed: true })
  })

  it('behavior: an unknown country passes unless blockUnknown', () => {
    expect(decideGeo(undefined, policy)).toEqual({ allowed: true })
    expect(decideGeo(undefined, { ...policy, blockUnknown: true })).toEqual({
      allowed: false,
      reason: 'country_unknown',
    })
  })
})

describe('createGeoService', () => {
  const database: IpCountryDatabase = {
    countryOf: (ip) => ({ '203.0.113.7': 'kp', '198.51.100.1': 'ch', '192.0.2.1': 'ZZ' })[ip],
  }
  const service = createGeoService({ blockedCountries: codes('KP'), blockUnknown: false, database })

  it('default: off when nothing can be refused', () => {
    expect(createGeoService({ blockedCountries: new Set(), blockUnknown: false }).enabled).toBe(false)
    expect(createGeoService({ blockedCountries: new Set(), blockUnknown: true }).enabled).toBe(true)
    expect(service.enabled).toBe(true)
  })

  it("behavior: the proxy's country wins over the database", () => {
    expect(service.check({ ip: '203.0.113.7', proxyCountry: 'ch' })).toEqual({
      country: 'CH',
      source: 'proxy',
      decision: { allowed: true },
    })
    expect(service.check({ ip: '198.51.100.1', proxyCountry: 'KP' })).toMatchObject({
      country: 'KP',
      source: 'proxy',
      decision: { allowed: false },
    })
  })

  it('attack: a repeated country header (joined with commas) is blocked when any value is a blocked country', () => {
    for (const proxyCountry of ['CH, KP', 'KP,CH', 'XX, kp', 'CH,CH,KP']) {
      expect([proxyCountry, service.check({ ip: '203.0.113.7', proxyCountry })]).toMatchObject([
        proxyCountry,
        { country: 'KP', source: 'proxy', decision: { allowed: false } },
      ])
    }
    expect(service.check({ ip: '198.51.100.1', proxyCountry: 'CH, FR' })).toMatchObject({
      country: 'CH',
      decision: { allowed: true },
    })
  })

  it('behavior: a proxy value naming no country (XX, T1, empty) falls through to the database', () => {
    for (const proxyCountry of ['XX', 'T1', '', undefined])
      expect(service.check({ ip: '203.0.113.7', proxyCountry })).toMatchObject({
        country: 'KP',
        source: 'database',
      })
  })

  it("behavior: no answer anywhere, or the database's placeholder, is an unknown country", () => {
    expect(service.check({ ip: '192.0.2.99' })).toEqual({
      country: undefined,
      source: 'none',
      decision: { allowed: true },
    })
    expect(service.check({ ip: '192.0.2.1' })).toMatchObject({ country: undefined, source: 'none' })
  })

  it('behavior: the refusal is GEO_BLOCKED and names the country as detail', () => {
    const refusal = geoRefusal(service.check({ ip: '203.0.113.7' }))
    expect([refusal.code, refusal.detail, refusal.internal]).toEqual([
      'GEO_BLOCKED',
      'country KP',
      'country KP (database)',
    ])
  })
})
